//! One of a closed set of values, as a person chose or typed it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A command field naming one of a closed set of values (a time unit, a severity).
/// On the wire it is the value's code, a plain string; a string that names none of
/// the values is kept as typed, so that the command still reads and the domain refuses
/// it as a field error (`unit.invalid`) in the person's language, like any other bad
/// input, rather than as unreadable JSON. Surrounding blanks are ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice<T> {
    Known(T),
    /// The text as typed (untrimmed); it named none of the values.
    Unknown(String),
}

impl<T> Choice<T> {
    /// The known value, or the trimmed text that named none.
    pub fn known(&self) -> Result<&T, &str> {
        match self {
            Choice::Known(t) => Ok(t),
            Choice::Unknown(s) => Err(s.trim()),
        }
    }
}

/// No text at all: a field left out names none of the values.
impl<T> Default for Choice<T> {
    fn default() -> Choice<T> {
        Choice::Unknown(String::new())
    }
}

impl<T: FromStr> Choice<T> {
    /// Read a typed string: the value its trimmed text names, or the text itself.
    pub fn parse(s: &str) -> Choice<T> {
        match s.trim().parse() {
            Ok(t) => Choice::Known(t),
            Err(_) => Choice::Unknown(s.to_owned()),
        }
    }
}

impl<T: FromStr> From<String> for Choice<T> {
    fn from(s: String) -> Choice<T> {
        Choice::parse(&s)
    }
}

impl<T: FromStr> From<&str> for Choice<T> {
    fn from(s: &str) -> Choice<T> {
        Choice::parse(s)
    }
}

impl<T: Serialize> Serialize for Choice<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Choice::Known(t) => t.serialize(s),
            Choice::Unknown(text) => s.serialize_str(text),
        }
    }
}

impl<'de, T: FromStr> Deserialize<'de> for Choice<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(Choice::parse(&s))
    }
}

impl<T: fmt::Display> fmt::Display for Choice<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Choice::Known(t) => t.fmt(f),
            Choice::Unknown(s) => f.write_str(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Choice;

    #[derive(Debug, PartialEq, serde::Serialize)]
    #[serde(rename_all = "snake_case")]
    enum Unit {
        Hours,
    }

    impl std::str::FromStr for Unit {
        type Err = ();
        fn from_str(s: &str) -> Result<Unit, ()> {
            (s == "hours").then_some(Unit::Hours).ok_or(())
        }
    }

    #[test]
    fn a_choice_reads_and_writes_the_code_and_keeps_what_named_nothing() -> serde_json::Result<()> {
        let known: Choice<Unit> = serde_json::from_str(r#"" hours ""#)?;
        assert_eq!(known, Choice::Known(Unit::Hours));
        assert_eq!(serde_json::to_string(&known)?, r#""hours""#);
        let unknown: Choice<Unit> = serde_json::from_str(r#"" eons ""#)?;
        assert_eq!(unknown.known(), Err("eons"));
        assert_eq!(serde_json::to_string(&unknown)?, r#"" eons ""#);
        assert!(serde_json::from_str::<Choice<Unit>>("3").is_err());
        Ok(())
    }
}
