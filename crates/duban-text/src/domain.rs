//! What can be wrong with any field's value (`problem.<kind>`, the wording of an error
//! code that has no text of its own), and the domain crates' errors that no page words.

use crate::Entry;

pub(crate) const STRINGS: &[Entry] = &[
    ("problem.required", "必填", "Required"),
    (
        "problem.too_short",
        "至少{min}个字",
        "At least {min} characters",
    ),
    (
        "problem.too_long",
        "最多{max}个字",
        "At most {max} characters",
    ),
    ("problem.invalid", "无效", "Not valid"),
    // the case's problems of a field without its own text (a query's `status`, `limit`)
    (
        "problem.unknown",
        "不支持“{value}”",
        "Unknown value “{value}”",
    ),
    (
        "problem.duplicate",
        "重复：“{value}”",
        "“{value}” appears twice",
    ),
    (
        "problem.out_of_range",
        "应在{min}至{max}之间",
        "Must be between {min} and {max}",
    ),
    (
        "err.order.number_missing",
        "未能生成督办单编号",
        "No order number",
    ),
];
