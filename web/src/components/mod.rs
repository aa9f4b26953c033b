//! Widgets more than one page uses, a module per kind.

pub mod field_errors;
pub mod list_editor;
pub mod multi_select;
pub mod unit_groups;
