//! A tiny JSON writer: strings escaped per RFC 8259, objects with keys in the order
//! given, arrays.

use std::fmt::Write as _;

/// `s` as a JSON string literal, quoted and escaped.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An object under construction; values are already-rendered JSON.
#[derive(Default)]
pub struct Object {
    members: Vec<String>,
}

impl Object {
    /// An empty object.
    pub fn new() -> Object {
        Object::default()
    }

    /// Adds `key` with an already-rendered JSON value.
    pub fn raw(mut self, key: &str, value: impl Into<String>) -> Object {
        self.members
            .push(format!("{}:{}", string(key), value.into()));
        self
    }

    /// Adds `key` with a string value.
    pub fn str(self, key: &str, value: &str) -> Object {
        self.raw(key, string(value))
    }

    /// Adds `key` with a number (an integer type, whose `Display` is valid JSON).
    pub fn int(self, key: &str, value: impl Into<i128>) -> Object {
        self.raw(key, value.into().to_string())
    }

    /// Adds `key` with a bool.
    pub fn bool(self, key: &str, value: bool) -> Object {
        self.raw(key, value.to_string())
    }

    /// The rendered object.
    pub fn finish(self) -> String {
        format!("{{{}}}", self.members.join(","))
    }

    /// The rendered object without its closing brace, for streaming further members
    /// (each written as `,"key":value`) and then `}`.
    pub fn unclosed(self) -> String {
        format!("{{{}", self.members.join(","))
    }
}

/// The largest integer magnitude every JSON reader holds exactly (2^53).
pub const EXACT: u128 = 1 << 53;

/// An integer as JSON: a number when every reader holds it exactly (magnitude at most
/// 2^53), else a string of its decimal digits.
pub fn int_exact(magnitude: u128, decimal: String) -> String {
    if magnitude <= EXACT {
        decimal
    } else {
        string(&decimal)
    }
}

/// An unsigned integer as JSON by [`int_exact`]'s rule.
pub fn uint(v: u128) -> String {
    int_exact(v, v.to_string())
}

/// The rendered array of already-rendered values.
pub fn array(items: impl IntoIterator<Item = String>) -> String {
    format!("[{}]", items.into_iter().collect::<Vec<_>>().join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(string("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(string("\n\t\u{1}"), r#""\n\t\u0001""#);
        assert_eq!(string("é✓"), "\"é✓\"");
        assert_eq!(
            Object::new()
                .str("k", "v")
                .int("n", -3i64)
                .bool("b", true)
                .raw("a", array(["1".to_string(), "2".to_string()]))
                .finish(),
            r#"{"k":"v","n":-3,"b":true,"a":[1,2]}"#
        );
        assert_eq!(Object::new().int("n", 1).unclosed(), r#"{"n":1"#);
        assert_eq!(uint(1 << 53), "9007199254740992");
        assert_eq!(uint((1 << 53) + 1), r#""9007199254740993""#);
    }
}
