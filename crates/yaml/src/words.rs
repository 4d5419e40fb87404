//! Turning the parser's messages into sentences a team lead can act on.

/// Known parser phrases and what they mean for someone editing the file by hand.
const PHRASES: &[(&str, &str)] = &[
    ("did not find expected '-' indicator", "a list item is missing its dash, or is indented differently from the items above it"),
    ("did not find expected key", "a line is indented differently from the lines around it, or is missing its `key:`"),
    ("could not find expected ':'", "this line has no `key:` part, or it is a list item missing its dash"),
    ("mapping values are not allowed in this context", "there is a `: ` inside a value; put the value in quotes, or check the indentation"),
    ("found character that cannot start any token", "a line starts with a character YAML does not allow there (a tab, `@` or a backtick); use spaces for indentation and quote the value"),
    ("found a tab character", "a tab is used for indentation; YAML needs spaces"),
    ("found unexpected end of stream", "the file ends in the middle of a value; a quote or bracket is probably not closed"),
    ("found unknown escape character", "a double-quoted value contains an unknown backslash escape; use single quotes or double the backslash"),
    ("did not find expected ',' or ']'", "a list in square brackets is not closed with `]`, or is missing a comma"),
    ("did not find expected ',' or '}'", "a mapping in curly braces is not closed with `}`, or is missing a comma"),
    ("did not find expected node content", "a value is missing where one is expected"),
    ("block sequence entries are not allowed in this context", "a list item (`- `) is placed where a value was expected; check its indentation"),
    ("found undefined tag handle", "a value starts with `!`, which YAML reads as a tag; put the value in quotes"),
    ("found undefined alias", "a value starts with `*`, which YAML reads as a reference; put the value in quotes"),
    ("unknown anchor", "a value starts with `*`, which YAML reads as a reference; put the value in quotes"),
    ("duplicate entry with key", "the same key appears twice in one section"),
    ("more than one document", "the file holds several YAML documents (separated by `---`); only one is supported"),
    ("control characters are not allowed", "the file contains invisible control characters"),
    ("invalid leading UTF-8 octet", "the file is not UTF-8 text"),
    ("recursion limit exceeded", "the file is nested too deeply"),
];

/// The parser's message without positions, rephrased when the phrase is known.
pub(crate) fn plain_reason(raw: &str) -> String {
    for (phrase, plain) in PHRASES {
        if raw.contains(phrase) {
            if *phrase == "duplicate entry with key" {
                if let Some(key) = quoted_after(raw, "with key ") {
                    return format!("the key {key} appears twice in one section");
                }
            }
            return (*plain).to_string();
        }
    }
    // Type mismatches from typed reads ("invalid type: string \"x\", expected a sequence").
    if let Some(rest) = raw.strip_prefix("invalid type: ") {
        let rest = strip_positions(rest);
        if let Some((found, expected)) = rest.split_once(", expected ") {
            return format!("found {found} where {expected} was expected");
        }
    }
    if raw.starts_with("missing field") || raw.starts_with("unknown field") || raw.starts_with("unknown variant") {
        return strip_positions(raw).replace('`', "");
    }
    let first = raw.split(", while ").next().unwrap_or(raw);
    strip_positions(first)
}

/// `(line, column)` following `marker` in a raw parser message, 1-based as written there.
pub(crate) fn context_position(raw: &str, marker: &str) -> Option<(usize, usize)> {
    let rest = &raw[raw.find(marker)? + marker.len()..];
    let line: usize = rest.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()?;
    let col = rest.split(" column ").nth(1)?;
    let column: usize = col.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()?;
    Some((line, column))
}

fn quoted_after(raw: &str, marker: &str) -> Option<String> {
    let start = raw.find(marker)? + marker.len();
    let rest = &raw[start..];
    let end = rest.find(" at line").unwrap_or(rest.len());
    Some(rest[..end].trim().to_string())
}

/// Removes " at line N column M" and "line N column M" fragments.
fn strip_positions(s: &str) -> String {
    let mut out = s.to_string();
    while let Some(i) = out.find(" at line ") {
        let tail = &out[i + " at line ".len()..];
        let mut end = 0;
        let bytes = tail.as_bytes();
        while end < bytes.len() && bytes[end].is_ascii_digit() {
            end += 1;
        }
        let mut after = &tail[end..];
        if let Some(col) = after.strip_prefix(" column ") {
            let digits = col.bytes().take_while(u8::is_ascii_digit).count();
            after = &col[digits..];
        }
        out = format!("{}{}", &out[..i], after);
    }
    out.trim().trim_end_matches(',').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_phrase_is_rephrased() {
        let raw = "did not find expected key at line 14 column 3, while parsing a block mapping at line 2 column 1";
        assert!(plain_reason(raw).contains("indented differently"));
    }

    #[test]
    fn missing_dash_points_at_the_line_without_it() {
        let err = crate::parse_value("inputs:\n  - a.md\n  b.md\nstatus: ready\n").unwrap_err();
        assert_eq!(
            err.in_file("task.yaml"),
            "task.yaml, line 3: this line has no `key:` part, or it is a list item missing its dash"
        );
        assert_eq!(err.column(), Some(3));
    }

    #[test]
    fn unknown_message_loses_positions() {
        assert_eq!(plain_reason("something odd at line 3 column 9, while parsing x"), "something odd");
    }

    #[test]
    fn type_mismatch_reads_as_sentence() {
        let raw = "invalid type: string \"x\", expected a sequence at line 2 column 5";
        assert_eq!(plain_reason(raw), "found string \"x\" where a sequence was expected");
    }
}
