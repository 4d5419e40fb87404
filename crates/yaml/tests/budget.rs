//! Hostile YAML: every read holds the text to one budget (bytes, nesting, entries with aliases
//! expanded) and refuses past it in a sentence naming the file, quickly and in little memory.

use patchdesk_yaml::{from_str, parse_value, Value, YamlError};
use std::time::{Duration, Instant};

/// A billion-laughs document: 9 levels of 10 aliases each, under a `tasks:` key.
fn laughs() -> String {
    let mut t = String::from(
        "a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n",
    );
    for i in 1..10 {
        let prev = format!("*a{}", i - 1);
        t.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 10].join(", ")));
    }
    t.push_str("tasks:\n  T1:\n    inputs: *a9\n");
    t
}

/// One large anchor repeated by many aliases: small text, millions of entries (~350 KB).
fn wide_bomb() -> String {
    let items: Vec<String> = (0..5_000).map(|i| format!("x{i}")).collect();
    let mut t = format!("base: &b [{}]\nuses:\n", items.join(", "));
    for _ in 0..45_000 {
        t.push_str("  - *b\n");
    }
    t
}

/// Refused within 5 s (a debug build under a busy test run; about 0.1 s when optimised).
fn refused_quickly(text: &str) -> YamlError {
    let start = Instant::now();
    let err = parse_value(text).expect_err("the document must be refused");
    let took = start.elapsed();
    assert!(took < Duration::from_secs(5), "refusing took {took:?}");
    err
}

#[test]
fn billion_laughs_is_refused_with_a_sentence_naming_the_file() {
    let err = refused_quickly(&laughs());
    let sentence = err.in_file("task.yaml");
    assert!(sentence.starts_with("task.yaml is built to expand to more than "), "{sentence}");
    assert!(sentence.contains("entries (YAML aliases); Patchdesk stops reading it. Remove the `*` alias lines or ask the person who wrote it."), "{sentence}");
    assert!(matches!(err, YamlError::TooLarge { .. }));
}

#[test]
fn a_wide_alias_bomb_is_refused_before_anything_is_built() {
    let text = wide_bomb();
    assert!(text.len() < 400_000);
    let err = refused_quickly(&text);
    assert!(err.in_file("task.yaml").contains("(YAML aliases)"), "{err}");
}

#[test]
fn typed_reads_hold_the_same_budget() {
    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Tasks {
        tasks: Value,
    }
    let err = from_str::<Tasks>(&laughs()).err().expect("refused");
    assert!(matches!(err, YamlError::TooLarge { .. }), "{err:?}");
}

#[test]
fn a_few_aliases_still_read() {
    let text = "defaults: &d {status: ready, pod: DevPod}\ntasks:\n  A: *d\n  B: *d\n";
    let v = parse_value(text).unwrap();
    assert_eq!(v["tasks"]["B"]["pod"], Value::String("DevPod".into()));
}

#[test]
fn deep_brackets_are_refused_before_the_parser_slows_down() {
    for text in [
        "tasks: ".to_string() + &"[".repeat(200_000),
        "tasks: ".to_string() + &"[\n".repeat(100_000),
        "tasks: ".to_string() + &"{a: ".repeat(50_000),
        "[".repeat(200_000) + &"]".repeat(200_000),
    ] {
        let err = refused_quickly(&text);
        let sentence = err.in_file("task.yaml");
        assert!(sentence.starts_with("task.yaml nests lists or brackets more than 64 levels deep"), "{sentence}");
    }
}

#[test]
fn deep_block_nesting_is_refused_at_the_same_depth() {
    let mut text = String::new();
    for i in 0..100 {
        text.push_str(&format!("{}k{i}:\n", "  ".repeat(i)));
    }
    let err = refused_quickly(&text);
    assert!(err.in_file("task.yaml").contains("more than 64 levels deep"), "{err}");
    let mut ok = String::new();
    for i in 0..40 {
        ok.push_str(&format!("{}k{i}:\n", "  ".repeat(i)));
    }
    parse_value(&ok).unwrap();
}

#[test]
fn brackets_hidden_behind_quotes_still_count() {
    let deep = "[".repeat(5_000);
    for text in [
        // A quote inside a plain value is text, not a quote.
        format!("a: it's\nb: {deep}\n"),
        // A quote inside a block scalar's bracket, then real nesting the quote seems to cover.
        format!("a: |\n  [ \"\nb: {deep}\nc: \"\n"),
        // JSON-like flow mapping with closing brackets inside quotes.
        format!("a: {{\"k\":\"]]]]\", \"l\": {deep}}}\n"),
        format!("a: [\"]]]\", {}]\n", "[\"]\", ".repeat(5_000)),
    ] {
        let err = refused_quickly(&text);
        assert!(err.in_file("task.yaml").contains("levels deep"), "{err}");
    }
}

#[test]
fn brackets_inside_comments_and_quotes_are_text() {
    let deep = "[".repeat(200_000);
    for text in
        [format!("a: 1 # {deep}\n"), format!("a: \"{deep}\"\n"), format!("a: '{deep}'\n"), format!("a: |\n  {deep}\n")]
    {
        let start = Instant::now();
        let v = parse_value(&text);
        assert!(start.elapsed() < Duration::from_secs(2), "{:?}", start.elapsed());
        // A block scalar's line starting with brackets counts (the scan cannot tell); the others read.
        if !text.contains('|') {
            assert!(v.is_ok(), "{v:?}");
        }
    }
}

#[test]
fn ordinary_brackets_in_text_do_not_count() {
    let mut text = String::from("tasks:\n");
    for i in 0..500 {
        text.push_str(&format!(
            "  T{i}:\n    description: \"Fix [F{i}] and a[0\" # see [notes\n    inputs: [a.md, \"b [1.md\"]\n    prompt: |\n      - [ ] check [the list](x.md)\n      [\n        {{\"x\": [1, 2]}}\n      ]\n    notes: it's [x and {{y\n"
        ));
    }
    let v = parse_value(&text).unwrap();
    assert_eq!(v["tasks"].as_mapping().unwrap().len(), 500);
}

#[test]
fn a_fifty_megabyte_document_is_refused_by_size() {
    let text = "tasks:\n".to_string() + &"  - a\n".repeat(50 * 1024 * 1024 / 6);
    let err = refused_quickly(&text);
    let sentence = err.in_file("task.yaml");
    assert!(
        sentence.starts_with("task.yaml is 51 MB, more than the 16 MB Patchdesk reads in a YAML file"),
        "{sentence}"
    );
}

#[test]
fn a_large_ordinary_document_still_reads() {
    let mut text = String::from("tasks:\n");
    let mut i = 0;
    while text.len() < 1024 * 1024 {
        text.push_str(&format!(
            "  T{i}:\n    description: Task number {i}\n    status: ready\n    inputs: [a.md, b.md]\n"
        ));
        i += 1;
    }
    let v = parse_value(&text).unwrap();
    assert_eq!(v["tasks"].as_mapping().unwrap().len(), i);
}
