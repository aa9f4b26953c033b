//! Environmental emergencies (duban-emergency): the kinds of incident and their
//! severities, as plans (预案) and incidents name them.

use crate::Entry;

pub(crate) const STRINGS: &[Entry] = &[
    // `IncidentType::label`, by code
    (
        "incident.type.water_pollution",
        "突发水污染",
        "Water pollution",
    ),
    (
        "incident.type.air_pollution",
        "突发大气污染",
        "Air pollution",
    ),
    (
        "incident.type.hazardous_chemicals",
        "危险化学品泄漏",
        "Hazardous chemicals",
    ),
    (
        "incident.type.solid_waste",
        "固体废物非法倾倒",
        "Illegal dumping",
    ),
    ("incident.type.radiation", "辐射事故", "Radiation accident"),
    ("incident.type.other", "其他突发环境事件", "Other incident"),
    // `Severity::label`, by code
    (
        "incident.severity.I",
        "Ⅰ级（特别重大）",
        "I (extremely serious)",
    ),
    ("incident.severity.II", "Ⅱ级（重大）", "II (serious)"),
    (
        "incident.severity.III",
        "Ⅲ级（较大）",
        "III (relatively serious)",
    ),
    ("incident.severity.IV", "Ⅳ级（一般）", "IV (general)"),
];
