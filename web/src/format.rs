//! Display helpers: times in China Standard Time, whatever the browser's zone.

use chrono::{DateTime, Utc};
use duban_core::CHINA;
use duban_text::key;

/// `2025-06-03 09:30` in Beijing time.
pub fn local_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&CHINA).format("%Y-%m-%d %H:%M").to_string()
}

/// A deadline: one that falls on midnight is shown as 24:00 of the day before
/// (`2025-06-03 24:00`), as official notices write it, so that "end of Tuesday" does
/// not read as Wednesday.
pub fn deadline(t: DateTime<Utc>) -> String {
    let local = t.with_timezone(&CHINA);
    if local.format("%H:%M:%S").to_string() == "00:00:00" {
        let day = local.date_naive().pred_opt().unwrap_or(local.date_naive());
        format!("{day} 24:00")
    } else {
        local.format("%Y-%m-%d %H:%M").to_string()
    }
}

/// An amount of yuan with thousands separators (`50,000`).
pub fn yuan(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// The `datetime-local` input value for an instant (Beijing time).
pub fn input_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&CHINA).format("%Y-%m-%dT%H:%M").to_string()
}

/// A `datetime-local` value (Beijing time) as RFC 3339, or the text unchanged when it
/// does not parse (validation then names the field).
pub fn from_input_time(s: &str) -> String {
    let s = s.trim();
    if s.is_empty() {
        return String::new();
    }
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .ok()
        .and_then(|n| n.and_local_timezone(CHINA).single())
        .map(|t| t.with_timezone(&Utc).to_rfc3339())
        .unwrap_or_else(|| s.to_owned())
}

/// Who acted, for people: the built-in actors (`system`, the server's sweeper and
/// imports; `anonymous`) in the reader's language, usernames as they are.
pub fn actor_label(actor: &str, lang: crate::i18n::Lang) -> String {
    match actor {
        "anonymous" => key!("actor.anonymous").get(lang).into(),
        "system" => key!("actor.system").get(lang).into(),
        other => other.to_owned(),
    }
}

/// An actor followed by the 代录 marker when they entered it for another unit:
/// `coordinator（代录）` / `coordinator (on behalf)`.
pub fn actor_text(actor: &str, on_behalf: bool, lang: crate::i18n::Lang) -> String {
    let who = actor_label(actor, lang);
    if on_behalf {
        key!("actor.on_behalf").fill(lang, &[("who", who)])
    } else {
        who
    }
}

/// A person for people: `张三（zhangsan）`, or the username alone when the display
/// name is blank or the same.
pub fn person_text(p: &duban_api::PersonView) -> String {
    let name = p.display_name.trim();
    if name.is_empty() || name == p.username {
        p.username.clone()
    } else {
        format!("{name}（{}）", p.username)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn the_system_and_on_behalf_entries_read_as_words() {
        assert_eq!(actor_label("system", Lang::Zh), "系统");
        assert_eq!(actor_label("system", Lang::En), "System");
        assert_eq!(actor_label("zhenjiang", Lang::Zh), "zhenjiang");
        assert_eq!(
            actor_text("coordinator", true, Lang::Zh),
            "coordinator（代录）"
        );
        assert_eq!(
            actor_text("coordinator", true, Lang::En),
            "coordinator (on behalf)"
        );
        assert_eq!(actor_text("system", false, Lang::En), "System");
    }
}
