//! Personal data in free text: the one function that takes out of a text what could
//! identify the complainant, for every reader who has no right to the person
//! (supervisors, leaders, the public) and for exports.
//!
//! ```
//! use duban_case::privacy::redact;
//!
//! assert_eq!(
//!     redact("王小明电话13955556666，2024-03-15夜间噪声", Some("王小明")),
//!     "×××电话××××，2024-03-15夜间噪声"
//! );
//! ```

/// What stands for a removed number.
const NUMBER_MARK: &str = "××××";
/// What stands for the complainant's name.
const NAME_MARK: &str = "×××";
/// Digits (across grouping) from which a number reads as a phone or ID number.
const NUMBER_DIGITS: usize = 7;
/// A group of a spaced or hyphenated number (`139 1234 5678`, `025-84561234`) has at
/// least this many digits; dates (`2024-03-15`) and ranges (`3-5`) do not.
const GROUP_DIGITS: usize = 3;

/// `text` without what could identify the complainant: runs of seven or more digits
/// (phones and ID numbers, ASCII or full-width, also when grouped by spaces or hyphens,
/// half- or full-width,
/// an ID number's final X included) become `××××`, e-mail addresses keep only their
/// first letter and domain, and the complainant's recorded name (two characters or
/// more) becomes `×××` wherever it was typed in.
pub fn redact(text: &str, name: Option<&str>) -> String {
    let mut out = mask_emails(&mask_numbers(text));
    if let Some(name) = name.map(str::trim)
        && name.chars().count() >= 2
    {
        out = out.replace(name, NAME_MARK);
    }
    out
}

fn digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn mask_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !digit(chars[i]) {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        // One group of digits, then further groups behind a single space or hyphen
        // while both sides are long enough to be parts of one number.
        let group_end = |from: usize| {
            let mut j = from;
            while j < chars.len() && digit(chars[j]) {
                j += 1;
            }
            j
        };
        let mut end = group_end(i);
        let mut digits = end - i;
        let mut last_group = digits;
        while end + 1 < chars.len()
            && matches!(chars[end], ' ' | '-' | '\u{3000}' | '－')
            && digit(chars[end + 1])
            && last_group >= GROUP_DIGITS
        {
            let next = group_end(end + 1);
            if next - (end + 1) < GROUP_DIGITS {
                break;
            }
            last_group = next - (end + 1);
            digits += last_group;
            end = next;
        }
        if digits >= NUMBER_DIGITS {
            // An identity card number may end in X.
            if end < chars.len() && matches!(chars[end], 'X' | 'x' | 'Ｘ') {
                end += 1;
            }
            out.push_str(NUMBER_MARK);
        } else {
            out.extend(&chars[i..end]);
        }
        i = end;
    }
    out
}

/// A new case as read without the personal-data right: complainant masked, texts
/// redacted with the name it records.
pub(crate) fn redact_new_case(case: &mut crate::draft::NewCase) {
    let name = case.complainant.name.clone();
    case.content = redact(&case.content, name.as_deref());
    case.address = redact(&case.address, name.as_deref());
    case.complainant = case.complainant.masked();
}

pub(crate) fn redact_outcome(outcome: &mut crate::draft::Outcome, name: Option<&str>) {
    outcome.measures = redact(&outcome.measures, name);
    outcome.public_summary = redact(&outcome.public_summary, name);
}

/// `zhang.san@example.com` → `z***@example.com`.
fn mask_emails(text: &str) -> String {
    let is_local = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-');
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == '@' {
            // The local part is already copied: take it back but for its first letter.
            let local: Vec<char> = out.chars().rev().take_while(|c| is_local(*c)).collect();
            let has_domain = chars.get(i + 1).is_some_and(|c| c.is_ascii_alphanumeric());
            if !local.is_empty() && has_domain {
                for _ in 0..local.len() {
                    out.pop();
                }
                if let Some(first) = local.last() {
                    out.push(*first);
                }
                out.push_str("***");
            }
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn phones_and_id_numbers_in_any_form() {
        for (text, want) in [
            ("电话13912345678。", "电话××××。"),
            ("电话139 1234 5678。", "电话××××。"),
            ("电话139-1234-5678。", "电话××××。"),
            ("座机025-84561234", "座机××××"),
            ("全角１３９１２３４５６７８", "全角××××"),
            ("全角１３９－５５５５－６６６６", "全角××××"),
            ("全角139　5555　6666。", "全角××××。"),
            ("身份证11010519491231002x号", "身份证××××号"),
            ("身份证320102 19800101 1234", "身份证××××"),
            ("本地号码8456123", "本地号码××××"),
        ] {
            assert_eq!(redact(text, None), want, "{text}");
        }
    }

    #[test]
    fn dates_counts_and_short_numbers_stay() {
        for text in [
            "2024-03-15夜间噪声",
            "2024年3月15日22:30",
            "3-5家企业，罚款45万元",
            "编号JS-2026-B03-0123",
            "123456",
            "12 34 56 78",
        ] {
            assert_eq!(redact(text, None), text);
        }
    }

    #[test]
    fn name_and_mail() {
        assert_eq!(
            redact(
                "王小明电话13955556666，邮箱 wang.xm@example.com，王小明反映",
                Some("王小明")
            ),
            "×××电话××××，邮箱 w***@example.com，×××反映"
        );
        // A one-character name would blank out ordinary words.
        assert_eq!(redact("王某反映", Some("王")), "王某反映");
    }
}
