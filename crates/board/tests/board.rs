//! The board against real repositories laid out in temporary folders.

use patchdesk_board::*;
use std::fs;
use std::path::Path;
use time::macros::datetime;

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

fn read(dir: &Path, rel: &str) -> String {
    fs::read_to_string(dir.join(rel)).unwrap()
}

const TASK_YAML: &str = r#"# Delivery plan — edited by pods and by hand
tasks:
  "1.1_capture_project_goals":
    description: Capture the project goals. Talk to the lead first.
    phase: Phase 1 - Discovery
    category: discovery
    pod_owner: ResearchPod
    status: completed
    created_at: 2025-04-01
    sponsor: Dana     # unknown field, must survive

  F2.1:
    title: Symptom parser tests
    description: Add unit tests for symptom parser
    phase: "Phase 2 - Development"
    category: dev
    pod_owner: DevPod
    assigned_pod: dev_pod   # who has it now
    status: planned
    ready: false
    inputs:
      - src/models/agent/concussion_agent.py
    depends_on:
    - 1.1_capture_project_goals
    created_at: 2025-04-10
    notes: Focus on return-to-play stage transitions

  F10.2:
    description: Cut over to production
    phase: Phase 10 - Cutover
    pod_owner: dev
    status: ready
    created_at: 2025-04-02

  F2.2:
    description: Wire the parser into the agent
    phase: Phase 2 - Development
    pod_owner: DevPod
    status: pending
    created_at: 2025-04-10
    priority: high

  F2.3:
    description: Depends on unfinished work
    phase: Phase 2 - Development
    pod_owner: DevPod
    status: ready
    depends_on: [F2.1]
    created_at: 2025-04-01

  F3.1:
    description: Release notes
    phase: Phase 3 - Delivery
    pod_owner: WoWPod
    status: unassigned
    depends_on: [F2.1, F2.2]
"#;

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "task.yaml", TASK_YAML);
    write(
        dir.path(),
        "task_templates/4.1_metrics.yaml",
        "# one task per file\ndescription: Build the weekly metrics snapshot tool\nphase: Phase 4 - Ops\npod_owner: qa-pod\nstatus: ready\nextra_stuff:\n  keep: [1, 2]\n",
    );
    write(
        dir.path(),
        "task_templates/named.yml",
        "task_id: T-abc123\ndescription: Named by its field\nstatus: backlog\n",
    );
    dir
}

#[test]
fn both_layouts_load_with_normalised_fields() {
    let dir = repo();
    let board = Board::load(dir.path());
    assert!(board.problems.is_empty(), "{:?}", board.problems);
    let ids: Vec<&str> = board.tasks.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["1.1_capture_project_goals", "F2.1", "F10.2", "F2.2", "F2.3", "F3.1", "4.1_metrics", "T-abc123"]);

    let goals = board.task("1.1_capture_project_goals").unwrap();
    assert_eq!(goals.title, "Capture the project goals");
    assert_eq!(goals.status, Status::Done);
    assert_eq!(goals.status_raw.as_deref(), Some("completed"));
    assert!(goals.done);
    assert_eq!(goals.pod.as_deref(), Some("ResearchPod"));
    assert_eq!(goals.other_fields, ["sponsor"]);
    assert_eq!(goals.created_at.as_deref(), Some("2025-04-01"));

    let f21 = board.task("F2.1").unwrap();
    assert_eq!(f21.title, "Symptom parser tests");
    assert_eq!(f21.pod.as_deref(), Some("DevPod"), "assigned_pod wins over pod_owner");
    assert_eq!(f21.pod_raw.as_deref(), Some("dev_pod"));
    assert_eq!(f21.inputs, ["src/models/agent/concussion_agent.py"]);
    assert_eq!(f21.source.layout, Layout::TaskList);
    assert_eq!(f21.source.line, Some(12));

    let metrics = board.task("4.1_metrics").unwrap();
    assert_eq!(metrics.source.file, "task_templates/4.1_metrics.yaml");
    assert_eq!(metrics.source.layout, Layout::OneFile);
    assert_eq!(metrics.pod.as_deref(), Some("QAPod"));
    assert_eq!(metrics.other_fields, ["extra_stuff"]);
    assert_eq!(board.task("T-abc123").unwrap().source.file, "task_templates/named.yml");

    // WoWPod is not configured: it still gets a column.
    let wow = board.pod("WoWPod").unwrap();
    assert!(!wow.configured);
    assert_eq!(board.pods.iter().filter(|p| p.configured).count(), 5);
}

#[test]
fn readiness_and_next_order() {
    let dir = repo();
    let board = Board::load(dir.path());
    let f23 = board.task("F2.3").unwrap();
    assert!(!f23.ready);
    assert_eq!(f23.waiting_on, ["F2.1"]);
    assert!(board.task("F2.1").unwrap().ready, "planned with all dependencies done");
    assert!(!board.task("F3.1").unwrap().ready);
    // Phase 2 before Phase 10; within phase 2 same created_at → priority (high) before none.
    assert_eq!(board.next("dev"), ["F2.2", "F2.1", "F10.2"]);
    assert_eq!(board.next("QAPod"), ["4.1_metrics"]);
    assert!(board.next("nobody").is_empty());
    let serialised = serde_json::to_value(&board).unwrap();
    assert_eq!(serialised["tasks"][1]["status"], "planned");
}

#[test]
fn bad_yaml_is_a_problem_with_its_line_and_the_rest_loads() {
    let dir = repo();
    let broken = "tasks:\n  X1:\n    status: ready\n    depends_on:\n      - a\n     b: c\n";
    write(dir.path(), "task_templates/broken.yaml", "description: [unclosed\nstatus: ready\n");
    write(dir.path(), "task.yaml", broken);
    let board = Board::load(dir.path());
    assert_eq!(board.problems.len(), 2, "{:?}", board.problems);
    let p = board.problems.iter().find(|p| p.path == "task.yaml").unwrap();
    assert_eq!(p.line, Some(6));
    assert!(p.message.starts_with("task.yaml, line 6: "), "{}", p.message);
    assert!(board.problems.iter().any(|p| p.path == "task_templates/broken.yaml" && p.line.is_some()));
    assert!(board.task("4.1_metrics").is_some());

    // A file with a problem is never written to.
    let err = handoff(dir.path(), &HandoffRequest::new("X1", "qa", "r"), datetime!(2025-04-20 10:00 UTC));
    assert!(matches!(err, Err(BoardError::TaskNotFound(_))));
    assert_eq!(read(dir.path(), "task.yaml"), broken);
}

#[test]
fn missing_dash_reads_as_plain_words() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "task.yaml", "tasks:\n  A:\n    inputs:\n      - a.md\n      b.md\n    status: ready\n");
    let board = Board::load(dir.path());
    assert_eq!(board.problems.len(), 1);
    let msg = &board.problems[0].message;
    assert_eq!(board.problems[0].line, Some(5), "{msg}");
    assert!(msg.starts_with("task.yaml, line 5: ") && msg.contains("missing its dash"), "{msg}");
    assert!(!msg.contains("while parsing"), "{msg}");
}

#[test]
fn handoff_updates_task_log_and_prompt_keeping_everything_else() {
    let dir = repo();
    write(dir.path(), "prompts/qa_pod.txt", "You are the QA pod.\nTask: {{task_id}}\nGoal: {{ goal }}\nFiles:\n{{input_files}}\nDo: {{instructions}}\nMemory:\n{{memory}}\n");
    write(
        dir.path(),
        "memory.yaml",
        "- path: src/models/agent/concussion_agent.py\n  description: The agent\n  raw_url: https://example.invalid/agent.py\n  tags: [agent]\n- path: docs/unrelated.md\n  description: Unrelated\n  pod_owner: DevPod\n- path: docs/qa_guide.md\n  description: QA guide\n  pod_owner: qa_pod\n",
    );
    let request = HandoffRequest {
        related_patch: Some("patch_20250419_123456_F2.1.diff"),
        ..HandoffRequest::new("F2.1", "qa", "Tests next")
    };
    let out = handoff(dir.path(), &request, datetime!(2025-04-20 10:30:05 UTC)).unwrap();
    assert_eq!(out.from, "DevPod");
    assert_eq!(out.to, "QAPod");
    assert_eq!(out.prompt_path, "prompts/used/QAPod/F2.1_prompt.txt");
    let mut files = out.changed_files.clone();
    files.sort();
    assert_eq!(files, [".logs/handoff_log.yaml", "prompts/used/QAPod/F2.1_prompt.txt", "task.yaml"]);

    // The task file: only F2.1's lines changed, in the file's own spelling style.
    let after = read(dir.path(), "task.yaml");
    let expected = TASK_YAML
        .replace("    assigned_pod: dev_pod   # who has it now\n", "    assigned_pod: qa_pod   # who has it now\n")
        .replace("    status: planned\n    ready: false\n", "    status: ready\n    ready: true\n")
        .replace(
            "    notes: Focus on return-to-play stage transitions\n",
            "    notes: Focus on return-to-play stage transitions\n    handoff_from: dev_pod\n    updated_at: '2025-04-20T10:30:05Z'\n",
        );
    assert_eq!(after, expected);

    // The log, canonical form, created.
    let log = read_handoff_log(dir.path()).unwrap();
    assert_eq!(log.form, HandoffForm::Canonical);
    assert_eq!(log.entries.len(), 1);
    let e = &log.entries[0];
    assert_eq!((e.from.as_deref(), e.to.as_deref(), e.task.as_deref()), (Some("DevPod"), Some("QAPod"), Some("F2.1")));
    assert_eq!(e.files, ["src/models/agent/concussion_agent.py"]);
    assert_eq!(e.related_patch.as_deref(), Some("patch_20250419_123456_F2.1.diff"));
    assert_eq!(e.when.as_deref(), Some("2025-04-20T10:30:05Z"));

    // The prompt: template filled, memory about the input file and the QA pod only.
    let prompt = read(dir.path(), &out.prompt_path);
    assert_eq!(prompt, out.prompt_text);
    assert!(
        prompt.contains(
            "Task: F2.1\nGoal: Add unit tests for symptom parser\nFiles:\n- src/models/agent/concussion_agent.py\n"
        ),
        "{prompt}"
    );
    assert!(prompt.contains("Do: Tests next\n\nFocus on return-to-play stage transitions\n"), "{prompt}");
    assert!(prompt.contains("- src/models/agent/concussion_agent.py: The agent (https://example.invalid/agent.py)"));
    assert!(prompt.contains("- docs/qa_guide.md: QA guide"));
    assert!(!prompt.contains("Unrelated"));

    // The board sees the move.
    let board = Board::load(dir.path());
    let t = board.task("F2.1").unwrap();
    assert_eq!(t.pod.as_deref(), Some("QAPod"));
    assert_eq!(t.handoff_from.as_deref(), Some("dev_pod"));
    assert_eq!(board.next("QAPod"), ["F2.1", "4.1_metrics"]);
}

#[test]
fn handoff_of_one_file_task_without_template_uses_default_packet() {
    let dir = repo();
    let files = ["metrics/metrics.yaml".to_string()];
    let request =
        HandoffRequest { input_files: &files, ..HandoffRequest::new("4.1_metrics", "DeliveryPod", "Ship it") };
    let out = handoff(dir.path(), &request, datetime!(2025-04-21 08:00 UTC)).unwrap();
    let after = read(dir.path(), "task_templates/4.1_metrics.yaml");
    assert_eq!(
        after,
        "# one task per file\ndescription: Build the weekly metrics snapshot tool\nphase: Phase 4 - Ops\npod_owner: delivery-pod\nstatus: ready\nextra_stuff:\n  keep: [1, 2]\nhandoff_from: qa-pod\nupdated_at: '2025-04-21T08:00:00Z'\n"
    );
    let packet = patchdesk_yaml::parse_value(&out.prompt_text).unwrap();
    assert_eq!(packet["pod"].as_str(), Some("DeliveryPod"));
    assert_eq!(packet["task_id"].as_str(), Some("4.1_metrics"));
    assert_eq!(packet["goal"].as_str(), Some("Build the weekly metrics snapshot tool"));
    assert_eq!(packet["input_files"][0].as_str(), Some("metrics/metrics.yaml"));
    assert_eq!(packet["instructions"].as_str(), Some("Ship it"));
    assert!(dir.path().join("prompts/used/DeliveryPod/4.1_metrics_prompt.txt").exists());
}

#[test]
fn handoff_appends_in_each_existing_log_form() {
    let forms = [
        (
            "# old style\n- from: dev\n  to: qa\n  reason: first\n  timestamp: 2025-04-01T10:00:00\n",
            HandoffForm::BareList,
            "- from: dev\n  to: qa\n  reason: Tests next\n  timestamp: '2025-04-20T10:00:00Z'\n  task: F2.1\n",
        ),
        (
            "handoffs:\n  - timestamp: 2025-04-01T10:00:00\n    from_pod: DevPod\n    to_pod: QAPod\n    reason: first\n    next_prompt: prompts/qa.txt\n    reference_files: []\n    notes: keep\n",
            HandoffForm::PodFields,
            "  - timestamp: '2025-04-20T10:00:00Z'\n    from_pod: DevPod\n    to_pod: QAPod\n    task: F2.1\n    reason: Tests next\n    next_prompt: prompts/used/QAPod/F2.1_prompt.txt\n    reference_files: [src/models/agent/concussion_agent.py]\n",
        ),
        (
            "handoffs:\n- from: research_pod\n  to: dev_pod\n  date: 2025-04-01\n  files: []\n  reason: first\n  related_patch: p.diff\n  feature: F1\n",
            HandoffForm::Canonical,
            "- from: dev_pod\n  to: qa_pod\n  date: '2025-04-20T10:00:00Z'\n  task: F2.1\n  reason: Tests next\n  files: [src/models/agent/concussion_agent.py]\n",
        ),
    ];
    for (old, form, appended) in forms {
        let dir = repo();
        write(dir.path(), HANDOFF_LOG, old);
        let out =
            handoff(dir.path(), &HandoffRequest::new("F2.1", "QAPod", "Tests next"), datetime!(2025-04-20 10:00 UTC))
                .unwrap();
        assert_eq!(out.log_form, form);
        let log_text = read(dir.path(), HANDOFF_LOG);
        assert_eq!(log_text, format!("{old}{appended}"), "{form:?}");
        let log = read_handoff_log(dir.path()).unwrap();
        assert_eq!(log.form, form);
        assert_eq!(log.entries.len(), 2);
        assert_eq!(log.entries[0].reason.as_deref(), Some("first"));
        assert_eq!(log.entries[1].task.as_deref(), Some("F2.1"));
    }
}

#[test]
fn handoff_errors_change_nothing() {
    let dir = repo();
    write(dir.path(), HANDOFF_LOG, "handoffs:\n  - from: a\n   to: b\n");
    let before = read(dir.path(), "task.yaml");
    let err =
        handoff(dir.path(), &HandoffRequest::new("F2.1", "qa", "r"), datetime!(2025-04-20 10:00 UTC)).unwrap_err();
    assert!(matches!(err, BoardError::FileInvalid(_)), "{err}");
    assert!(err.to_string().contains(".logs/handoff_log.yaml, line"), "{err}");
    assert_eq!(read(dir.path(), "task.yaml"), before);
    assert!(!dir.path().join("prompts/used").exists());

    let err = handoff(dir.path(), &HandoffRequest::new("F2.1", "MarketingPod", "r"), datetime!(2025-04-20 10:00 UTC))
        .unwrap_err();
    assert_eq!(patchdesk_error::Coded::code(&err), patchdesk_error::Code::PodNotFound);
    let err =
        handoff(dir.path(), &HandoffRequest::new("NOPE", "qa", "r"), datetime!(2025-04-20 10:00 UTC)).unwrap_err();
    assert_eq!(patchdesk_error::Coded::code(&err), patchdesk_error::Code::TaskNotFound);
    assert_eq!(read(dir.path(), "task.yaml"), before);
}

#[test]
fn completing_a_task_unlocks_its_dependents() {
    let dir = repo();
    let now = datetime!(2025-04-22 09:00 UTC);
    let out = complete_task(dir.path(), "F2.1", now).unwrap();
    // F2.3 is already `ready` (only waiting); F3.1 still waits for F2.2.
    assert!(out.unlocked.is_empty(), "{:?}", out.unlocked);
    let board = Board::load(dir.path());
    assert!(board.task("F2.1").unwrap().done);
    assert!(board.task("F2.3").unwrap().ready);
    assert!(!board.task("F3.1").unwrap().ready);

    let out = complete_task(dir.path(), "F2.2", now).unwrap();
    assert_eq!(out.unlocked, ["F3.1"]);
    assert_eq!(out.changed_files, ["task.yaml"]);
    let text = read(dir.path(), "task.yaml");
    assert!(text.contains("    pod_owner: WoWPod\n    status: ready\n    depends_on: [F2.1, F2.2]\n    updated_at: '2025-04-22T09:00:00Z'\n"), "{text}");
    assert!(text.contains("    sponsor: Dana     # unknown field, must survive\n"));
    let board = Board::load(dir.path());
    assert!(board.task("F3.1").unwrap().ready);
    assert_eq!(board.next("WoWPod"), ["F3.1"]);

    // unlock_after_done on its own: nothing left to unlock.
    let again = unlock_after_done(dir.path(), "F2.2", now).unwrap();
    assert!(again.unlocked.is_empty() && again.changed_files.is_empty());
}

#[test]
fn pods_come_from_config_when_present() {
    let dir = repo();
    write(dir.path(), ".patchdesk/pods.yaml", "pods:\n  - key: DevPod\n  - key: QAPod\n    name: Quality\n    template: prompts/custom_qa.md\n    aliases: [testers]\n");
    let board = Board::load(dir.path());
    let qa = board.pod("testers").unwrap();
    assert_eq!((qa.key.as_str(), qa.name.as_str(), qa.template.as_str()), ("QAPod", "Quality", "prompts/custom_qa.md"));
    assert!(board.pod("ResearchPod").is_some_and(|p| !p.configured), "only present because a task names it");

    write(dir.path(), ".patchdesk/pods.yaml", "pods: [oops\n");
    let board = Board::load(dir.path());
    assert!(board.problems.iter().any(|p| p.path == ".patchdesk/pods.yaml" && p.message.contains("default pods")));
    assert_eq!(board.pods.iter().filter(|p| p.configured).count(), 5);
}

#[test]
fn empty_or_missing_repository_loads_an_empty_board() {
    let dir = tempfile::tempdir().unwrap();
    let board = Board::load(dir.path());
    assert!(board.tasks.is_empty() && board.problems.is_empty());
    assert_eq!(board.pods.len(), 5);
    let board = Board::load(&dir.path().join("missing"));
    assert!(board.tasks.is_empty());
}

#[test]
fn crlf_task_file_stays_crlf_through_a_handoff() {
    let dir = tempfile::tempdir().unwrap();
    let text = "tasks:\r\n    F1:\r\n        description: Do it\r\n        pod_owner: DevPod\r\n        status: backlog   # later\r\n";
    write(dir.path(), "task.yaml", text);
    handoff(dir.path(), &HandoffRequest::new("F1", "Human", "Needs a decision"), datetime!(2025-04-20 10:00 UTC))
        .unwrap();
    assert_eq!(
        read(dir.path(), "task.yaml"),
        "tasks:\r\n    F1:\r\n        description: Do it\r\n        pod_owner: Human\r\n        status: ready   # later\r\n        handoff_from: DevPod\r\n        updated_at: '2025-04-20T10:00:00Z'\r\n"
    );
}

/// A board read from text (a commit's files) is the board read from a folder with those files,
/// problems and unknown pods included.
#[test]
fn a_board_from_texts_is_the_board_from_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let pods = "pods:\n  - key: DevPod\n    aliases: [dev]\n";
    let templates = [
        ("b10.yaml", "task_id: B10\npod_owner: NewPod\nstatus: ready\n"),
        ("b2.yml", "task_id: B2\npod_owner: dev\nstatus: [broken\n"),
        ("notes.md", "task_id: ignored\n"),
        (".hidden.yaml", "task_id: H\n"),
    ];
    write(dir.path(), ".patchdesk/pods.yaml", pods);
    write(dir.path(), "task.yaml", TASK_YAML);
    for (name, text) in templates {
        write(dir.path(), &format!("task_templates/{name}"), text);
    }
    let from_folder = Board::load(dir.path());
    let texts = BoardTexts {
        pods: Some(pods.into()),
        tasks: Some(TASK_YAML.into()),
        templates: templates.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect(),
    };
    let from_texts = Board::from_texts(&texts);
    assert_eq!(from_texts, from_folder);
    assert!(from_texts.pods.iter().any(|p| !p.configured), "an unknown pod joins the list");
    assert!(!from_texts.problems.is_empty(), "the broken template is a problem");
    assert_eq!(Board::from_texts(&BoardTexts::default()), Board::load(tempfile::tempdir().unwrap().path()));
}

/// The handoff log's pure writer: old text in, new text out, in the log's own form, with its
/// comments, order and unknown keys kept, and pods spelled like the log spells them.
#[test]
fn a_handoff_entry_is_added_to_the_old_text_in_its_form() {
    let (dev, qa) = (Pod::from_key("DevPod"), Pod::from_key("QAPod"));
    let files = vec!["src/a.py".to_string()];
    let entry = NewHandoff {
        from: &dev,
        to: &qa,
        task: "F2.1",
        reason: "Tests next",
        files: &files,
        related_patch: Some("p.diff"),
        next_prompt: "prompts/used/QAPod/F2.1_prompt.txt",
        now: datetime!(2025-04-20 10:30:05 UTC),
    };
    let old = "# Handoffs between pods\nowner: Dana   # unknown key, kept\nhandoffs:\n  - from: dev_pod\n    to: research_pod\n    date: 2025-04-19\n    task: F1\n    reason: first\n    mood: calm\n";
    let (new, form) = add_handoff_entry(old, &entry).unwrap();
    assert_eq!(form, HandoffForm::Canonical);
    assert!(new.starts_with(old), "the old text is kept byte for byte:\n{new}");
    let added = &new[old.len()..];
    assert_eq!(
        added,
        "  - from: dev_pod\n    to: qa_pod\n    date: '2025-04-20T10:30:05Z'\n    task: F2.1\n    reason: Tests next\n    files: [src/a.py]\n    related_patch: p.diff\n",
        "spelled like the log, in its form:\n{new}"
    );
    // A bare list stays a bare list; no log yet starts the canonical form.
    let (bare, form) = add_handoff_entry("- from: DevPod\n  to: QAPod\n  reason: r\n", &entry).unwrap();
    assert_eq!(form, HandoffForm::BareList);
    assert!(bare.starts_with("- from: DevPod\n  to: QAPod\n  reason: r\n- from: DevPod\n  to: QAPod\n"), "{bare}");
    let (fresh, form) = add_handoff_entry("", &entry).unwrap();
    assert_eq!(form, HandoffForm::Canonical);
    assert!(fresh.contains("handoffs:"), "{fresh}");
    assert!(add_handoff_entry("handoffs: [unclosed\n", &entry).is_err());
}
