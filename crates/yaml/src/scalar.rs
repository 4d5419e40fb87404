//! Writing single values so that every YAML reader (this one, and the pods' Python scripts,
//! which follow the older YAML 1.1 rules) reads back exactly what was meant.

use serde_norway::Value;

/// A single value to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scalar {
    /// Text; quoted when it would otherwise read as something else.
    Str(String),
    /// A whole number.
    Int(i64),
    /// `true` / `false`.
    Bool(bool),
    /// `null`.
    Null,
}

impl Scalar {
    /// Shorthand for [`Scalar::Str`].
    pub fn str(s: impl Into<String>) -> Self {
        Scalar::Str(s.into())
    }

    /// What a YAML reader gives back for this scalar.
    pub(crate) fn to_value(&self) -> Value {
        match self {
            Scalar::Str(s) => Value::String(s.clone()),
            Scalar::Int(i) => Value::Number((*i).into()),
            Scalar::Bool(b) => Value::Bool(*b),
            Scalar::Null => Value::Null,
        }
    }
}

impl From<&str> for Scalar {
    fn from(s: &str) -> Self {
        Scalar::Str(s.to_string())
    }
}

impl From<String> for Scalar {
    fn from(s: String) -> Self {
        Scalar::Str(s)
    }
}

/// How an existing value was quoted; an edit keeps that style where it can.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Quote {
    Plain,
    Single,
    Double,
}

/// The scalar as YAML text. `flow` is true inside `[...]`, where `,[]{}` also need quotes.
pub fn render_scalar(value: &Scalar, flow: bool) -> String {
    render_styled(value, flow, Quote::Plain, false)
}

/// The scalar as YAML text, preferring the quoting style `prefer`. A date-like string is left
/// plain only when `plain_dates` is set (the value it replaces was a plain date as well).
pub(crate) fn render_styled(value: &Scalar, flow: bool, prefer: Quote, plain_dates: bool) -> String {
    let s = match value {
        Scalar::Str(s) => s,
        Scalar::Int(i) => return i.to_string(),
        Scalar::Bool(b) => return b.to_string(),
        Scalar::Null => return "null".to_string(),
    };
    let needs_double = s.chars().any(|c| c.is_control());
    if needs_double {
        return double_quoted(s);
    }
    match prefer {
        Quote::Double => double_quoted(s),
        Quote::Single => single_quoted(s),
        Quote::Plain if plain_is_safe(s, flow, plain_dates) => s.clone(),
        Quote::Plain => single_quoted(s),
    }
}

fn single_quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// True when `s` can be written without quotes and still reads back as the same string,
/// both under YAML 1.2 (this crate) and YAML 1.1 (yes/no booleans, dates, sexagesimals).
fn plain_is_safe(s: &str, flow: bool, plain_dates: bool) -> bool {
    let Some(first) = s.chars().next() else { return false };
    if s.trim() != s || s.contains('\n') {
        return false;
    }
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') {
        return false;
    }
    if flow && s.contains([',', '[', ']', '{', '}']) {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "~" | "null" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | ".inf" | "-.inf" | "+.inf" | ".nan"
    ) {
        return false;
    }
    if looks_like_date(s) {
        if !plain_dates {
            return false;
        }
    } else if looks_numeric(s) {
        return false;
    }
    // Last word goes to the parser itself.
    let probe = if flow { format!("[{s}]") } else { s.to_string() };
    match serde_norway::from_str::<Value>(&probe) {
        Ok(Value::String(back)) if !flow => back == s,
        Ok(Value::Sequence(items)) if flow => items.len() == 1 && items[0] == Value::String(s.to_string()),
        _ => false,
    }
}

/// Numbers in any YAML version: 12, -3.5, 1e3, 0x1F, 0o17, 1_000, 1:30 (base 60), .5
fn looks_numeric(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let Some(first) = body.chars().next() else { return false };
    if !(first.is_ascii_digit() || (first == '.' && body.len() > 1)) {
        return false;
    }
    body.chars().all(|c| c.is_ascii_hexdigit() || "xXoObB._:+-".contains(c))
}

/// `2025-04-19`, `2025-04-19T12:00:00Z`, `2025-04-19 12:00:00`: YAML 1.1 timestamps.
fn looks_like_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 8 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' && b[5].is_ascii_digit()
}

/// True when `s` (a plain value as written) reads as a YAML 1.1 timestamp.
pub(crate) fn is_plain_date(s: &str) -> bool {
    looks_like_date(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads_back(s: &str) {
        for flow in [false, true] {
            let text = render_scalar(&Scalar::str(s), flow);
            let probe = if flow { format!("[{text}]") } else { format!("k: {text}") };
            let v: Value = serde_norway::from_str(&probe).unwrap();
            let got = if flow { v[0].clone() } else { v["k"].clone() };
            assert_eq!(got, Value::String(s.to_string()), "{s:?} rendered as {text:?}");
        }
    }

    #[test]
    fn plain_words_stay_plain() {
        assert_eq!(render_scalar(&Scalar::str("ready"), false), "ready");
        assert_eq!(render_scalar(&Scalar::str("F2.1"), false), "F2.1");
        assert_eq!(render_scalar(&Scalar::str("docs/project goals.md"), false), "docs/project goals.md");
    }

    #[test]
    fn ambiguous_strings_are_quoted_and_read_back() {
        for s in [
            "",
            "yes",
            "No",
            "on",
            "null",
            "~",
            "true",
            "12",
            "1.5",
            "1e3",
            "0x1F",
            "1:30",
            "2025-04-19",
            "2025-04-19T12:00:00Z",
            "a: b",
            "x #y",
            "#tag",
            "- item",
            "*ref",
            "&anchor",
            "!tag",
            "it's",
            " pad",
            "line\nbreak",
            "tab\there",
            "a,b",
            "[x]",
            "{y}",
            "quote\"d",
            "back\\slash",
            "%p",
            "@at",
            "`tick`",
            "ends:",
        ] {
            reads_back(s);
        }
        assert_eq!(render_scalar(&Scalar::str("yes"), false), "'yes'");
        assert_eq!(render_scalar(&Scalar::str("a,b"), false), "a,b");
        assert_eq!(render_scalar(&Scalar::str("a,b"), true), "'a,b'");
    }

    #[test]
    fn other_scalars() {
        assert_eq!(render_scalar(&Scalar::Int(-3), false), "-3");
        assert_eq!(render_scalar(&Scalar::Bool(true), false), "true");
        assert_eq!(render_scalar(&Scalar::Null, false), "null");
    }
}
