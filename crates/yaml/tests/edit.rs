//! The editor against real-looking files: everything outside the edited lines must survive
//! byte for byte, and anything the editor cannot do safely must be refused.

use patchdesk_yaml::{append_item, locate, parse_value, set_list, set_value, Edit, Node, Scalar, Value, YamlError};

const TASKS_2: &str = r#"# Task board for the concussion agent
# (kept by hand and by pods)

tasks:
  # --- Phase 1
  "1.1_capture_project_goals":
    description: Capture the project goals   # short
    phase: Phase 1 - Discovery
    pod_owner: ResearchPod
    status: complete
    done: true
    depends_on: []
    custom_field: keep me

  F2.1:
    description: 'Add unit tests for symptom parser'
    phase: "Phase 2 - Development"
    pod_owner: DevPod
    status: planned    # waiting for F1
    depends_on:
    - 1.1_capture_project_goals
    - F1.9
    inputs:
      - src/models/agent/concussion_agent.py
    notes: |
      Multi-line notes
      # not a comment
    created_at: 2025-04-19

# trailing comment
"#;

/// Lines of `a` that are not in `b`, and the other way round (order-aware, simple LCS-free check
/// for edits that change few lines).
fn changed_lines(a: &str, b: &str) -> (Vec<String>, Vec<String>) {
    let al: Vec<&str> = a.split_inclusive('\n').collect();
    let bl: Vec<&str> = b.split_inclusive('\n').collect();
    let mut start = 0;
    while start < al.len() && start < bl.len() && al[start] == bl[start] {
        start += 1;
    }
    let mut ea = al.len();
    let mut eb = bl.len();
    while ea > start && eb > start && al[ea - 1] == bl[eb - 1] {
        ea -= 1;
        eb -= 1;
    }
    (al[start..ea].iter().map(|s| s.to_string()).collect(), bl[start..eb].iter().map(|s| s.to_string()).collect())
}

#[test]
fn set_existing_scalar_changes_only_its_line_and_keeps_comment() {
    let out = set_value(TASKS_2, &["tasks", "F2.1", "status"], &Node::str("ready")).unwrap();
    let (old, new) = changed_lines(TASKS_2, &out);
    assert_eq!(old, vec!["    status: planned    # waiting for F1\n"]);
    assert_eq!(new, vec!["    status: ready    # waiting for F1\n"]);
}

#[test]
fn quoting_style_of_the_old_value_is_kept() {
    let out = set_value(TASKS_2, &["tasks", "F2.1", "phase"], &Node::str("Phase 3 - QA")).unwrap();
    assert!(out.contains("    phase: \"Phase 3 - QA\"\n"));
    let out = set_value(TASKS_2, &["tasks", "F2.1", "description"], &Node::str("It's done")).unwrap();
    assert!(out.contains("    description: 'It''s done'\n"), "{out}");
    assert_eq!(parse_value(&out).unwrap()["tasks"]["F2.1"]["description"], Value::String("It's done".into()));
}

#[test]
fn quoted_key_is_found_and_missing_key_is_added_at_end_of_its_mapping() {
    let out =
        set_value(TASKS_2, &["tasks", "1.1_capture_project_goals", "handoff_from"], &Node::str("DevPod")).unwrap();
    let (old, new) = changed_lines(TASKS_2, &out);
    assert!(old.is_empty());
    assert_eq!(new, vec!["    handoff_from: DevPod\n"]);
    // It goes right after `custom_field`, before the blank line.
    assert!(out.contains("    custom_field: keep me\n    handoff_from: DevPod\n\n  F2.1:"));
}

#[test]
fn adding_after_a_block_scalar_and_plain_date() {
    let out = set_value(TASKS_2, &["tasks", "F2.1", "updated_at"], &Node::str("2025-04-20T10:00:00Z")).unwrap();
    assert!(
        out.contains("    created_at: 2025-04-19\n    updated_at: '2025-04-20T10:00:00Z'\n\n# trailing comment"),
        "{out}"
    );
    // A plain date replaced by a date stays plain.
    let out = set_value(TASKS_2, &["tasks", "F2.1", "created_at"], &Node::str("2025-05-01")).unwrap();
    assert!(out.contains("    created_at: 2025-05-01\n"), "{out}");
    let v = parse_value(&out).unwrap();
    assert_eq!(v["tasks"]["F2.1"]["notes"], Value::String("Multi-line notes\n# not a comment\n".into()));
}

#[test]
fn block_list_flush_with_its_key_is_rewritten_in_place() {
    let out = set_list(TASKS_2, &["tasks", "F2.1", "depends_on"], &[Scalar::str("F1.9")]).unwrap();
    let (old, new) = changed_lines(TASKS_2, &out);
    assert_eq!(old, vec!["    - 1.1_capture_project_goals\n"]);
    assert!(new.is_empty());
    // Indented block list keeps its indentation.
    let out = set_list(TASKS_2, &["tasks", "F2.1", "inputs"], &[Scalar::str("a.py"), Scalar::str("yes")]).unwrap();
    assert!(out.contains("    inputs:\n      - a.py\n      - 'yes'\n    notes: |"), "{out}");
    // Flow list stays flow.
    let out = set_list(
        TASKS_2,
        &["tasks", "1.1_capture_project_goals", "depends_on"],
        &[Scalar::str("a,b"), Scalar::str("c")],
    )
    .unwrap();
    assert!(out.contains("    depends_on: ['a,b', c]\n"));
}

#[test]
fn scalar_replacing_a_nested_block_removes_only_that_block() {
    let out = set_value(TASKS_2, &["tasks", "F2.1", "notes"], &Node::str("short")).unwrap();
    let (old, new) = changed_lines(TASKS_2, &out);
    assert_eq!(old, vec!["    notes: |\n", "      Multi-line notes\n", "      # not a comment\n"]);
    assert_eq!(new, vec!["    notes: short\n"]);
}

#[test]
fn four_space_indentation_and_crlf_are_kept() {
    let text = "tasks:\r\n    T1:\r\n        status: backlog\r\n        depends_on:\r\n            - T0\r\n    T2:\r\n        status: ready\r\n";
    let out = set_value(text, &["tasks", "T1", "ready"], &Node::Scalar(Scalar::Bool(true))).unwrap();
    assert_eq!(
        out,
        "tasks:\r\n    T1:\r\n        status: backlog\r\n        depends_on:\r\n            - T0\r\n        ready: true\r\n    T2:\r\n        status: ready\r\n"
    );
    let out = set_value(&out, &["tasks", "T2", "status"], &Node::str("done")).unwrap();
    assert!(out.ends_with("        status: done\r\n"));
    assert!(!out.replace("\r\n", "").contains('\n'));
}

#[test]
fn file_without_final_newline_keeps_it() {
    let out = set_value("a: 1\nb: 2", &["c"], &Node::str("x")).unwrap();
    assert_eq!(out, "a: 1\nb: 2\nc: x");
}

#[test]
fn values_that_need_quotes_read_back() {
    for s in ["yes", "12", "a: b", "#x", "- y", "null", "", "multi\nline", "*star"] {
        let out = set_value(TASKS_2, &["tasks", "F2.1", "notes"], &Node::str(s)).unwrap();
        assert_eq!(parse_value(&out).unwrap()["tasks"]["F2.1"]["notes"], Value::String(s.to_string()), "{s:?}");
    }
}

#[test]
fn map_value_is_written_as_block() {
    let out = set_value(
        "top:\n  a: 1\n",
        &["top", "meta"],
        &Node::Map(vec![("by".into(), Node::str("QAPod")), ("count".into(), Node::Scalar(Scalar::Int(2)))]),
    )
    .unwrap();
    assert_eq!(out, "top:\n  a: 1\n  meta:\n    by: QAPod\n    count: 2\n");
}

const HANDOFFS: &str = "# handoff log\nhandoffs:\n- from: dev_pod\n  to: qa_pod\n  date: 2025-04-19\n  files: [src/a.py]\n  reason: Tests next   # why\n\n# end\n";

fn handoff_item() -> Node {
    Node::Map(vec![
        ("from".into(), Node::str("qa_pod")),
        ("to".into(), Node::str("delivery_pod")),
        ("files".into(), Node::strs(&["a.md", "b c.md"])),
        ("reason".into(), Node::str("Ready: ship it")),
    ])
}

#[test]
fn append_to_flush_list_of_mappings() {
    let out = append_item(HANDOFFS, &["handoffs"], &handoff_item()).unwrap();
    let (old, new) = changed_lines(HANDOFFS, &out);
    assert!(old.is_empty());
    assert_eq!(
        new,
        vec!["- from: qa_pod\n", "  to: delivery_pod\n", "  files: [a.md, b c.md]\n", "  reason: 'Ready: ship it'\n"]
    );
    assert!(out.starts_with("# handoff log\nhandoffs:\n- from: dev_pod\n"));
    assert!(out.ends_with("  reason: 'Ready: ship it'\n\n# end\n"));
}

#[test]
fn append_to_indented_list_and_to_bare_list() {
    let text = "handoffs:\n    -   from: a\n        to: b\nother: 1\n";
    let out = append_item(text, &["handoffs"], &handoff_item()).unwrap();
    assert!(out.contains("        to: b\n    -   from: qa_pod\n        to: delivery_pod\n"), "{out}");
    assert!(out.ends_with("other: 1\n"));

    let bare = "- from: dev\n  to: qa\n  reason: x\n  timestamp: 2025-04-19T10:00:00\n";
    let out = append_item(bare, &[] as &[&str], &handoff_item()).unwrap();
    assert!(out.starts_with(bare));
    let v = parse_value(&out).unwrap();
    assert_eq!(v.as_sequence().unwrap().len(), 2);
}

#[test]
fn append_creates_list_in_empty_file_and_under_missing_or_empty_key() {
    let out = append_item("", &["handoffs"], &handoff_item()).unwrap();
    assert!(out.starts_with("handoffs:\n  - from: qa_pod\n    to: delivery_pod\n"), "{out}");
    let out = append_item("# only a comment\n", &["handoffs"], &handoff_item()).unwrap();
    assert!(out.starts_with("# only a comment\nhandoffs:\n"));
    let out = append_item("handoffs: []   # none yet\n", &["handoffs"], &handoff_item()).unwrap();
    assert!(out.starts_with("handoffs:   # none yet\n  - from: qa_pod\n"), "{out}");
    assert_eq!(parse_value(&out).unwrap()["handoffs"].as_sequence().unwrap().len(), 1);
}

#[test]
fn flow_mappings_anchors_and_multiple_documents_are_refused() {
    let flow = "tasks: {F1: {status: ready}}\n";
    assert!(matches!(
        set_value(flow, &["tasks", "F1", "status"], &Node::str("done")),
        Err(YamlError::NotEditable { .. })
    ));
    let anchors = "base: &b\n  status: ready\ntasks:\n  F1: *b\n";
    assert!(set_value(anchors, &["tasks", "F1", "status"], &Node::str("done")).is_err());
    let anchored_value = "a: &x 1\nb: *x\n";
    assert!(set_value(anchored_value, &["a"], &Node::str("2")).is_err());
    let multi = "a: 1\n---\na: 2\n";
    assert!(set_value(multi, &["a"], &Node::str("3")).is_err());
    let flow_list = "handoffs: [{from: a}]\n";
    assert!(append_item(flow_list, &["handoffs"], &handoff_item()).is_err());
    assert!(set_value("tasks:\n  F1:\n    status: x\n", &["tasks", "F9", "status"], &Node::str("y")).is_err());
}

#[test]
fn invalid_yaml_reports_line_and_column() {
    let bad = "tasks:\n  F1:\n    status: ready\n   depends_on: [a\n";
    let err = set_value(bad, &["tasks", "F1", "status"], &Node::str("done")).unwrap_err();
    let YamlError::Invalid { line, .. } = &err else { panic!("{err:?}") };
    assert!(line.is_some());
    assert!(err.in_file("task.yaml").starts_with("task.yaml, line "));
}

#[test]
fn locate_finds_key_lines() {
    assert_eq!(locate(TASKS_2, &["tasks", "F2.1"]), Some(15));
    assert_eq!(locate(TASKS_2, &["tasks", "1.1_capture_project_goals", "status"]), Some(10));
    assert_eq!(locate(TASKS_2, &["tasks", "nope"]), None);
}

#[test]
fn several_edits_in_one_go() {
    let out = Edit::apply_all(
        TASKS_2,
        &[
            Edit::Set(vec!["tasks".into(), "F2.1".into(), "status".into()], Node::str("ready")),
            Edit::Set(vec!["tasks".into(), "F2.1".into(), "assigned_pod".into()], Node::str("QAPod")),
        ],
    )
    .unwrap();
    let v = parse_value(&out).unwrap();
    assert_eq!(v["tasks"]["F2.1"]["status"], Value::String("ready".into()));
    assert_eq!(v["tasks"]["F2.1"]["assigned_pod"], Value::String("QAPod".into()));
    assert_eq!(v["tasks"]["1.1_capture_project_goals"]["custom_field"], Value::String("keep me".into()));
}

/// Every truncation of a real file (as a half-written file would be): no panic, and any edit
/// that succeeds reads back with exactly the requested change.
#[test]
fn half_written_files_never_panic_and_successful_edits_are_exact() {
    let mut ok = 0;
    for cut in (0..=TASKS_2.len()).filter(|&i| TASKS_2.is_char_boundary(i)) {
        let text = &TASKS_2[..cut];
        let _ = locate(text, &["tasks", "F2.1", "status"]);
        if let Ok(out) = set_value(text, &["tasks", "F2.1", "status"], &Node::str("done")) {
            assert_eq!(parse_value(&out).unwrap()["tasks"]["F2.1"]["status"], Value::String("done".into()));
            ok += 1;
        }
        let crlf = text.replace('\n', "\r\n");
        if let Ok(out) = append_item(&crlf, &["log"], &handoff_item()) {
            assert_eq!(parse_value(&out).unwrap()["log"].as_sequence().map(Vec::len), Some(1));
            if crlf.contains('\n') {
                assert!(!out.replace("\r\n", "").contains('\n'), "{out:?}");
            }
        }
    }
    assert!(ok > 100, "{ok}");
}
