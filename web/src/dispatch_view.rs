//! Quick dispatch (信访任务快速交办) for people: codes and string-table keys of rule
//! kinds and clearing buckets, the lists people type into rule forms, and the field
//! paths of routing-rule errors.

use duban_dispatch::{Bucket, GovLevel, RuleKind, Target};
use duban_divisions::DivisionCode;
use duban_text::Key;
use duban_text::key;

/// The wire code of a rule kind (`lead`, `notify`, `supervise`).
pub const fn rule_kind_code(k: RuleKind) -> &'static str {
    match k {
        RuleKind::Lead => "lead",
        RuleKind::Notify => "notify",
        RuleKind::Supervise => "supervise",
    }
}

/// The string-table key of a rule kind: 牵头 / 抄送 / 督办.
pub const fn rule_kind_key(k: RuleKind) -> Key {
    match k {
        RuleKind::Lead => key!("routing.kind.lead"),
        RuleKind::Notify => key!("routing.kind.notify"),
        RuleKind::Supervise => key!("routing.kind.supervise"),
    }
}

/// Rule kinds in the order the forms list them.
pub const RULE_KINDS: [RuleKind; 3] = [RuleKind::Lead, RuleKind::Notify, RuleKind::Supervise];

/// A rule kind from its wire code.
pub fn parse_rule_kind(code: &str) -> Option<RuleKind> {
    RULE_KINDS.into_iter().find(|k| rule_kind_code(*k) == code)
}

/// The wire code of a target's type (`unit`, `territorial_government`, `person`).
pub const fn target_code(t: &Target) -> &'static str {
    match t {
        Target::Unit { .. } => "unit",
        Target::TerritorialGovernment { .. } => "territorial_government",
        Target::Person { .. } => "person",
    }
}

/// The wire code of a government level (`city`, `county`).
pub const fn level_code(l: GovLevel) -> &'static str {
    match l {
        GovLevel::City => "city",
        GovLevel::County => "county",
    }
}

/// The wire code of a clearing bucket.
pub const fn bucket_code(b: Bucket) -> &'static str {
    match b {
        Bucket::NotDispatched => "not_dispatched",
        Bucket::NotSigned => "not_signed",
        Bucket::DueToday => "due_today",
        Bucket::Overdue => "overdue",
    }
}

/// The string-table key of a clearing bucket: 待分办 / 待签收 / 今日到期 / 已超期.
pub const fn bucket_key(b: Bucket) -> Key {
    match b {
        Bucket::NotDispatched => key!("bucket.not_dispatched"),
        Bucket::NotSigned => key!("bucket.not_signed"),
        Bucket::DueToday => key!("bucket.due_today"),
        Bucket::Overdue => key!("bucket.overdue"),
    }
}

/// The entries of a typed list: split at commas (half or full width), 、 and
/// semicolons, trimmed, blanks dropped. With `spaces`, blanks separate entries too.
pub fn split_list(text: &str, spaces: bool) -> Vec<String> {
    text.split(|c: char| {
        matches!(c, ',' | '，' | '、' | ';' | '；' | '\n') || (spaces && c.is_whitespace())
    })
    .map(str::trim)
    .filter(|s| !s.is_empty())
    .map(str::to_owned)
    .collect()
}

/// Division codes typed as a list; the entries that are not known codes as `Err`.
pub fn parse_divisions(text: &str) -> Result<Vec<DivisionCode>, Vec<String>> {
    let mut codes = Vec::new();
    let mut bad = Vec::new();
    for entry in split_list(text, true) {
        match entry.parse::<DivisionCode>() {
            Ok(c) if !codes.contains(&c) => codes.push(c),
            Ok(_) => {}
            Err(_) => bad.push(entry),
        }
    }
    if bad.is_empty() { Ok(codes) } else { Err(bad) }
}

/// A division for people: `南京市（3201）`, `南京市玄武区（320102）`.
pub fn division_text(code: DivisionCode) -> String {
    format!("{}（{}）", code.division().full_name(), code.short())
}

/// A division by name alone: `镇江市京口区`; the code when it is unknown.
pub fn division_name(code: DivisionCode) -> String {
    code.division().full_name()
}

/// Splits an error path of the rules list: `rules[3].then.unit` → `(3, "then.unit")`,
/// `rules[0]` → `(0, "")`; `None` for paths outside one rule (`reason`, `rules`).
pub fn rule_error_path(field: &str) -> Option<(usize, &str)> {
    let rest = field.strip_prefix("rules[")?;
    let (index, rest) = rest.split_once(']')?;
    let index = index.parse().ok()?;
    match rest {
        "" => Some((index, "")),
        _ => rest.strip_prefix('.').map(|r| (index, r)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_split_at_chinese_and_latin_separators() {
        assert_eq!(
            split_list(" 污水、垃圾，黑臭, 管网 ;; ", false),
            ["污水", "垃圾", "黑臭", "管网"]
        );
        assert_eq!(split_list("化 粪池", false), ["化 粪池"]);
        assert_eq!(split_list("3201 3202,3203", true), ["3201", "3202", "3203"]);
        assert!(split_list(" 、 ,", false).is_empty());
    }

    #[test]
    fn divisions_parse_or_name_the_bad_entries() {
        let ok = parse_divisions("3201、320102 3201")
            .ok()
            .unwrap_or_default();
        assert_eq!(ok.len(), 2);
        assert_eq!(ok[0].short(), "3201");
        assert_eq!(
            parse_divisions("3201, 9999, x").err(),
            Some(vec!["9999".to_owned(), "x".to_owned()])
        );
        assert_eq!(parse_divisions("").ok().map(|v| v.len()), Some(0));
    }

    #[test]
    fn division_text_names_the_city() {
        let code: Result<DivisionCode, _> = "3201".parse();
        assert!(code.is_ok_and(|c| division_text(c).starts_with("南京市（3201")));
    }

    #[test]
    fn error_paths_name_the_rule() {
        assert_eq!(
            rule_error_path("rules[3].then.unit"),
            Some((3, "then.unit"))
        );
        assert_eq!(rule_error_path("rules[12].id"), Some((12, "id")));
        assert_eq!(rule_error_path("rules[0]"), Some((0, "")));
        assert_eq!(rule_error_path("rules"), None);
        assert_eq!(rule_error_path("reason"), None);
        assert_eq!(rule_error_path("rules[x].id"), None);
    }

    #[test]
    fn codes_round_trip() {
        for k in RULE_KINDS {
            assert_eq!(parse_rule_kind(rule_kind_code(k)), Some(k));
            let json = serde_json::to_value(k).ok();
            assert_eq!(
                json.as_ref().and_then(|j| j.as_str()),
                Some(rule_kind_code(k))
            );
        }
        for b in Bucket::ALL {
            let json = serde_json::to_value(b).ok();
            assert_eq!(json.as_ref().and_then(|j| j.as_str()), Some(bucket_code(b)));
        }
    }
}
