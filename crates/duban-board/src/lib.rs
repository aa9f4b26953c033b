//! The map board (挂图作战) as pure functions.
//!
//! - [`fact`]: the figures one case adds to the board ([`fact::Fact::of`]), keyed by the
//!   dimensions the board filters and groups on. A store keeps one fact per case and sums
//!   of facts per cell; a change to a case subtracts its old fact and adds its new one.
//! - [`filter`]: the board's filter (batch, day range, category, key class, city) parsed
//!   from its query string, the same way in the browser and on the server.
//! - [`range`]: a day range split into whole months and the edge days around them, so a
//!   monthly roll-up answers most of a long range.
//! - [`geo`]: division shapes (GeoJSON) and an equal-area-enough projection to SVG paths.
//!
//! Invariant: no IO and no clock. "Overdue" is what the stored escalation ladder says
//! (the deadline's chase notice fired), so a fact never depends on when it is computed.

pub mod error;
pub mod fact;
pub mod filter;
pub mod geo;
pub mod range;

#[cfg(test)]
mod tests;
