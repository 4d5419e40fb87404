//! The built-in demo project: a small repository with pod tasks, a practice remote and a
//! folder of sample pod downloads (a clean patch, a chat-damaged patch, a ZIP bundle), so a
//! new user sees the whole flow without a GitHub account.
//!
//! Everything is built by code, deterministically (fixed author and dates), and the sample
//! patches are computed from real trees of the demo repository, so they apply for real.
//!
//! Layout under the chosen root:
//! ```text
//! <root>/project/              the lead's repository (branch main, origin = practice remote)
//! <root>/practice-remote.git/  a bare repository standing in for GitHub
//! <root>/Downloads/            what the pods handed over
//! ```

use crate::ProjectError;
use git2::{Oid, Repository, Signature, Time};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where the parts of a demo project live.
#[derive(Debug, Clone)]
pub struct DemoProject {
    pub root: PathBuf,
    pub project: PathBuf,
    pub practice_remote: PathBuf,
    pub downloads: PathBuf,
}

/// File names of the sample downloads, in the order a pod handed them over.
pub const CLEAN_PATCH: &str = "patch_20261118_101500_F2.2.diff";
pub const CLEAN_SIDECAR: &str = "patch_20261118_101500_F2.2.json";
pub const CHAT_PATCH: &str = "patch_F2.1_20261119_093000.diff";
pub const ZIP_BUNDLE: &str = "patch_F3.1_20261119_154500.zip";

const MARKER: &str = ".patchdesk/demo.json";

/// What each sample download changes when applied correctly, as (path, full new content).
/// The downloads are made from these, and tests check the apply engine against them.
pub fn intended_change(download: &str) -> &'static [(&'static str, &'static str)] {
    match download {
        CLEAN_PATCH => &[("src/rtp/guidance.py", GUIDANCE_AFTER)],
        CHAT_PATCH => &[("tests/test_stages.py", TESTS_AFTER)],
        ZIP_BUNDLE => &[("docs/rtp_guidance.md", BUNDLE_DOC)],
        _ => &[],
    }
}
const DEMO_NAME: &str = "Return-to-Play Guide (demo)";

impl DemoProject {
    fn at(root: &Path) -> Self {
        DemoProject {
            root: root.to_path_buf(),
            project: root.join("project"),
            practice_remote: root.join("practice-remote.git"),
            downloads: root.join("Downloads"),
        }
    }

    /// The sample downloads, as (file name, bytes).
    pub fn downloads(&self) -> Result<Vec<(String, Vec<u8>)>, ProjectError> {
        let mut out = Vec::new();
        for name in [CLEAN_PATCH, CLEAN_SIDECAR, CHAT_PATCH, ZIP_BUNDLE] {
            let bytes =
                fs::read(self.downloads.join(name)).map_err(|e| ProjectError::io(&self.downloads.join(name), e))?;
            out.push((name.to_string(), bytes));
        }
        Ok(out)
    }
}

/// Opens the demo under `root`, building it first when it is not there. Safe to rerun: an
/// existing demo is left exactly as the user left it.
pub fn ensure(root: &Path) -> Result<DemoProject, ProjectError> {
    let demo = DemoProject::at(root);
    if demo.project.join(MARKER).is_file() {
        return Ok(demo);
    }
    if demo.project.exists() || demo.practice_remote.exists() {
        // Something is there that we did not finish: never delete the user's files.
        return Err(ProjectError::DemoDamaged(root.to_path_buf()));
    }
    let staging = root.with_extension(format!("building-{}", std::process::id()));
    if staging.exists() {
        fs::remove_dir_all(&staging).map_err(|e| ProjectError::io(&staging, e))?;
    }
    build(&DemoProject::at(&staging))?;
    fs::create_dir_all(root).map_err(|e| ProjectError::io(root, e))?;
    for part in ["project", "practice-remote.git", "Downloads"] {
        fs::rename(staging.join(part), root.join(part)).map_err(|e| ProjectError::io(&root.join(part), e))?;
    }
    let _ = fs::remove_dir_all(&staging);
    // The remote URL was written for the staging path; point it at the final place.
    let repo = Repository::open(&demo.project)?;
    repo.remote_set_url("origin", &demo.practice_remote.to_string_lossy())?;
    Ok(demo)
}

fn signature(minutes: i64) -> Result<Signature<'static>, git2::Error> {
    // 2026-11-16 09:00 UTC plus `minutes`.
    Signature::new("Patchdesk Demo", "demo@patchdesk.invalid", &Time::new(1_794_819_600 + minutes * 60, 0))
}

fn build(demo: &DemoProject) -> Result<(), ProjectError> {
    fs::create_dir_all(&demo.root).map_err(|e| ProjectError::io(&demo.root, e))?;
    let repo =
        Repository::init_opts(&demo.project, git2::RepositoryInitOptions::new().initial_head("main").no_reinit(true))?;
    {
        let mut config = repo.config()?;
        config.set_str("user.name", "Demo Lead")?;
        config.set_str("user.email", "lead@patchdesk.invalid")?;
    }

    // History: three commits, the way a team would have got here.
    let first = write_files(&demo.project, BASE_FILES)?;
    let c1 = commit_all(&repo, &first, "Start the Return-to-Play guide", 0, None)?;
    let second = write_files(&demo.project, TASK_FILES)?;
    let c2 = commit_all(&repo, &second, "Plan the first phases with the pods", 90, Some(c1))?;
    fs::create_dir_all(demo.project.join(".patchdesk")).map_err(|e| ProjectError::io(&demo.project, e))?;
    let marker = serde_json::json!({ "name": DEMO_NAME, "demo": true });
    fs::write(demo.project.join(MARKER), serde_json::to_vec_pretty(&marker).unwrap_or_default())
        .map_err(|e| ProjectError::io(&demo.project.join(MARKER), e))?;
    let c3 = commit_all(&repo, &[MARKER], "Mark this repository as the Patchdesk demo", 120, Some(c2))?;
    let _ = c3;

    // The practice remote, with main pushed.
    Repository::init_bare(&demo.practice_remote)?;
    let mut remote = repo.remote("origin", &demo.practice_remote.to_string_lossy())?;
    remote.push(&["refs/heads/main:refs/heads/main"], None)?;
    let mut config = repo.config()?;
    config.set_str("branch.main.remote", "origin")?;
    config.set_str("branch.main.merge", "refs/heads/main")?;

    // What the pods handed over.
    fs::create_dir_all(&demo.downloads).map_err(|e| ProjectError::io(&demo.downloads, e))?;
    let base = repo.head()?.peel_to_tree()?;
    let clean = diff_for(&repo, &base, intended_change(CLEAN_PATCH))?;
    write_download(demo, CLEAN_PATCH, clean.as_bytes())?;
    write_download(demo, CLEAN_SIDECAR, CLEAN_SIDECAR_JSON.as_bytes())?;
    let tests = diff_for(&repo, &base, intended_change(CHAT_PATCH))?;
    write_download(demo, CHAT_PATCH, damage_like_chat(&tests).as_bytes())?;
    write_download(demo, ZIP_BUNDLE, &zip_bundle()?)?;
    Ok(())
}

fn write_download(demo: &DemoProject, name: &str, bytes: &[u8]) -> Result<(), ProjectError> {
    let path = demo.downloads.join(name);
    fs::write(&path, bytes).map_err(|e| ProjectError::io(&path, e))
}

fn write_files(workdir: &Path, files: &[(&'static str, &'static str)]) -> Result<Vec<&'static str>, ProjectError> {
    let mut paths = Vec::new();
    for (path, content) in files {
        let full = workdir.join(path);
        if let Some(parent) = full.parent() {
            fs::create_dir_all(parent).map_err(|e| ProjectError::io(parent, e))?;
        }
        fs::write(&full, content).map_err(|e| ProjectError::io(&full, e))?;
        paths.push(*path);
    }
    Ok(paths)
}

fn commit_all(
    repo: &Repository,
    paths: &[&str],
    message: &str,
    minutes: i64,
    parent: Option<Oid>,
) -> Result<Oid, ProjectError> {
    let mut index = repo.index()?;
    for p in paths {
        index.add_path(Path::new(p))?;
    }
    index.write()?;
    let tree = repo.find_tree(index.write_tree()?)?;
    let sig = signature(minutes)?;
    let parents: Vec<git2::Commit> = match parent {
        Some(p) => vec![repo.find_commit(p)?],
        None => vec![],
    };
    let parent_refs: Vec<&git2::Commit> = parents.iter().collect();
    Ok(repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parent_refs)?)
}

/// A `git diff` of `base` against `base` with `changes` applied (full new contents).
fn diff_for(repo: &Repository, base: &git2::Tree, changes: &[(&str, &str)]) -> Result<String, ProjectError> {
    let mut builder = git2::build::TreeUpdateBuilder::new();
    for (path, content) in changes {
        let blob = repo.blob(content.as_bytes())?;
        builder.upsert(*path, blob, git2::FileMode::Blob);
    }
    let new_tree = repo.find_tree(builder.create_updated(repo, base)?)?;
    let diff = repo.diff_tree_to_tree(Some(base), Some(&new_tree), None)?;
    let mut text = Vec::new();
    diff.print(git2::DiffFormat::Patch, |_, _, line| {
        if matches!(line.origin(), '+' | '-' | ' ') {
            text.push(line.origin() as u8);
        }
        text.extend_from_slice(line.content());
        true
    })?;
    Ok(String::from_utf8_lossy(&text).into_owned())
}

/// Damages a diff the way chat output does: prose and a markdown fence around it, the
/// `diff --git` and `index` lines gone, and hunk line counts off by one.
fn damage_like_chat(diff: &str) -> String {
    let mut out = String::from(
        "Here is the patch for F2.1 — the new tests for the stage parser. Save it and apply it with `git apply`:\n\n```diff\n",
    );
    for line in diff.lines() {
        if line.starts_with("diff --git") || line.starts_with("index ") {
            continue;
        }
        if let Some(rest) = line.strip_prefix("@@ -") {
            // "@@ -a,b +c,d @@" → counts one too high, as chat models often write them
            let mut parts = rest.splitn(2, " @@");
            let ranges = parts.next().unwrap_or("");
            let tail = parts.next().unwrap_or("");
            let bumped: Vec<String> = ranges
                .split(" +")
                .map(|r| match r.split_once(',') {
                    Some((start, count)) => format!("{start},{}", count.parse::<u32>().map(|c| c + 1).unwrap_or(0)),
                    None => r.to_string(),
                })
                .collect();
            out.push_str(&format!("@@ -{} @@{}\n", bumped.join(" +"), tail));
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.push_str("```\n\nLet me know if the QA pod should add more edge cases.\n");
    out
}

fn zip_bundle() -> Result<Vec<u8>, ProjectError> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::from_date_and_time(2026, 11, 19, 15, 45, 0).unwrap_or_default());
        for (name, content) in [
            ("metadata.json", BUNDLE_METADATA),
            ("reasoning_trace.md", BUNDLE_REASONING),
            ("prompt_used.txt", BUNDLE_PROMPT),
            ("docs/rtp_guidance.md", BUNDLE_DOC),
            ("handoff_notes/F3.1_handoff.md", BUNDLE_HANDOFF),
            ("__MACOSX/docs/._rtp_guidance.md", "\u{0}\u{5}\u{16}\u{7}"),
        ] {
            zip.start_file(name, opts).map_err(ProjectError::zip)?;
            zip.write_all(content.as_bytes()).map_err(|e| ProjectError::io(Path::new(name), e))?;
        }
        zip.finish().map_err(ProjectError::zip)?;
    }
    Ok(buf.into_inner())
}

// ---------------------------------------------------------------- the demo's content

const BASE_FILES: &[(&str, &str)] = &[
    (
        "README.md",
        "# Return-to-Play Guide\n\nA small assistant that walks an athlete back to sport after a concussion,\none stage at a time. Built by the Dev, QA, Research and Delivery pods.\n",
    ),
    (
        "src/rtp/__init__.py",
        "\"\"\"Return-to-play stages and guidance.\"\"\"\n",
    ),
    (
        "src/rtp/stages.py",
        r#""""The six graduated return-to-play stages."""

STAGES = [
    "symptom-limited activity",
    "light aerobic exercise",
    "sport-specific exercise",
    "non-contact training drills",
    "full-contact practice",
    "return to sport",
]


def stage_number(name):
    """Return the 1-based number of a stage, or None when the name is unknown."""
    key = name.strip().lower()
    for number, stage in enumerate(STAGES, start=1):
        if stage == key:
            return number
    return None


def next_stage(number, symptoms_free_hours):
    """Move on only after 24 symptom-free hours at the current stage."""
    if symptoms_free_hours < 24:
        return number
    return min(number + 1, len(STAGES))
"#,
    ),
    ("src/rtp/guidance.py", GUIDANCE_BEFORE),
    (
        "tests/test_stages.py",
        TESTS_BEFORE,
    ),
    (
        "docs/project_goals.md",
        "# Project goals\n\n- Give athletes and coaches one clear next step at every stage.\n- Never advance a stage while symptoms are present.\n- Keep every change traceable to the pod that made it.\n",
    ),
];

const GUIDANCE_BEFORE: &str = r#""""Plain-language guidance for each return-to-play stage."""

from .stages import STAGES


def guidance_for(number):
    """Return the advice shown to the athlete at stage `number`."""
    if number < 1 or number > len(STAGES):
        raise ValueError(f"there is no stage {number}")
    return f"Stage {number}: {STAGES[number - 1]}."
"#;

const GUIDANCE_AFTER: &str = r#""""Plain-language guidance for each return-to-play stage."""

from .stages import STAGES

ADVICE = {
    1: "Rest and light daily activities that do not bring symptoms back.",
    2: "Walking or stationary cycling at an easy pace, up to 20 minutes.",
    3: "Running or skating drills. No head impact.",
    4: "Harder training drills, passing; start resistance training.",
    5: "Normal training after a doctor has cleared you.",
    6: "Normal game play.",
}


def guidance_for(number, symptoms=False):
    """Return the advice shown to the athlete at stage `number`.

    When symptoms come back, the athlete goes back to the previous stage.
    """
    if number < 1 or number > len(STAGES):
        raise ValueError(f"there is no stage {number}")
    if symptoms and number > 1:
        return f"Symptoms are back: return to stage {number - 1} and rest for 24 hours."
    return f"Stage {number}: {STAGES[number - 1]}. {ADVICE[number]}"
"#;

const TESTS_BEFORE: &str = r#"from rtp.stages import next_stage, stage_number


def test_known_stage():
    assert stage_number("light aerobic exercise") == 2


def test_waits_for_symptom_free_day():
    assert next_stage(2, 10) == 2
"#;

const TESTS_AFTER: &str = r#"from rtp.stages import next_stage, stage_number


def test_known_stage():
    assert stage_number("light aerobic exercise") == 2


def test_stage_names_ignore_case_and_spaces():
    assert stage_number("  Return To Sport ") == 6


def test_unknown_stage():
    assert stage_number("nap") is None


def test_waits_for_symptom_free_day():
    assert next_stage(2, 10) == 2


def test_advances_after_a_symptom_free_day():
    assert next_stage(2, 24) == 3


def test_never_past_the_last_stage():
    assert next_stage(6, 48) == 6
"#;

const TASK_FILES: &[(&str, &str)] = &[
    (
        "task.yaml",
        r#"# Tasks for the Return-to-Play guide. Pods read and update this file.
tasks:
  F1.1:
    title: Capture project goals
    description: Interview the lead and write docs/project_goals.md
    phase: Phase 1 - Discovery
    category: discovery
    pod_owner: ResearchPod
    status: done
    done: true
    created_at: "2026-11-16T09:00:00Z"
    outputs: [docs/project_goals.md]
  F2.1:
    title: Tests for the stage parser
    description: Add unit tests for stage names and the 24-hour rule
    phase: Phase 2 - Development
    category: dev
    pod_owner: QAPod
    status: ready
    created_at: "2026-11-16T10:00:00Z"
    depends_on: [F1.1]
    inputs: [src/rtp/stages.py, tests/test_stages.py]
  F2.2:
    title: Stage guidance with symptom fallback
    description: Plain-language advice per stage; go back a stage when symptoms return
    phase: Phase 2 - Development
    category: dev
    pod_owner: DevPod
    status: in_progress
    created_at: "2026-11-16T10:30:00Z"
    depends_on: [F1.1]
    inputs: [src/rtp/guidance.py]
  F3.1:
    title: Return-to-play guidance document
    description: Write docs/rtp_guidance.md for coaches
    phase: Phase 3 - Delivery
    category: delivery_ops
    pod_owner: DevPod
    status: review
    created_at: "2026-11-16T11:00:00Z"
    outputs: [docs/rtp_guidance.md]
  F4.1:
    title: Release notes for the first version
    description: Summarise what changed for coaches and athletes
    phase: Phase 3 - Delivery
    category: delivery_ops
    pod_owner: DeliveryPod
    status: planned
    created_at: "2026-11-16T11:30:00Z"
    depends_on: [F2.2, F3.1]
"#,
    ),
    (
        "prompts/dev_pod.txt",
        "You are the Dev pod for the Return-to-Play guide.\nTask {{task_id}}: {{goal}}\nInput files:\n{{input_files}}\nInstructions: {{instructions}}\nReturn a git diff and a short reasoning trace.\n",
    ),
    (
        "prompts/qa_pod.txt",
        "You are the QA pod for the Return-to-Play guide.\nTask {{task_id}}: {{goal}}\nInput files:\n{{input_files}}\nInstructions: {{instructions}}\nReturn new or changed tests as a git diff.\n",
    ),
    (
        "prompts/research_pod.txt",
        "You are the Research pod.\nTask {{task_id}}: {{goal}}\nInput files:\n{{input_files}}\nInstructions: {{instructions}}\n",
    ),
    (
        "prompts/delivery_pod.txt",
        "You are the Delivery pod.\nTask {{task_id}}: {{goal}}\nInput files:\n{{input_files}}\nInstructions: {{instructions}}\n",
    ),
    (
        "memory.yaml",
        "- path: docs/project_goals.md\n  file_type: markdown\n  description: What the guide must do, in the lead's words\n  tags: [goals]\n  last_updated: \"2026-11-16\"\n  pod_owner: ResearchPod\n",
    ),
    (
        ".logs/handoff_log.yaml",
        "handoffs:\n  - from: ResearchPod\n    to: DevPod\n    date: \"2026-11-16\"\n    task: F2.2\n    reason: Goals are written down; guidance can start\n    files: [docs/project_goals.md]\n    related_patch: null\n",
    ),
    (
        ".logs/trace_log.md",
        "# Trace log\n\nOne entry per applied patch, newest last.\n",
    ),
    (
        "metrics/metrics.yaml",
        "weekly_snapshots:\n  - week: \"2026-W47\"\n    pods:\n      research:\n        patch_count: 1\n        features: [F1.1]\n        merged: 1\n        proposed: 1\n        handoffs: 1\n        thought_traces: 1\n    features_delivered: [F1.1]\n    features_outstanding: [F2.1, F2.2, F3.1, F4.1]\n",
    ),
];

const CLEAN_SIDECAR_JSON: &str = r#"{
  "task_id": "F2.2",
  "summary": "Stage guidance with a symptom fallback",
  "output_files": ["src/rtp/guidance.py"],
  "prompt": "prompts/used/DevPod/F2.2_prompt.txt",
  "branch_name": "chatgpt/auto/dev/F2.2",
  "pod": "DevPod",
  "confidence": "high"
}
"#;

const BUNDLE_METADATA: &str = r#"{
  "patch_file": ".patches/patch_F3.1_20261119_154500.zip",
  "task_id": "F3.1",
  "summary": "Guidance document for coaches",
  "output_folders": ["docs/"]
}
"#;

const BUNDLE_REASONING: &str = "# Reasoning trace — F3.1\n\n## Thoughts\n- Coaches read this on a phone at the field, so every stage gets one short paragraph.\n- The 24-hour rule is the part people get wrong; it goes first.\n\n## Other Ideas Considered\n- A table per stage: too wide on a phone.\n\n## Improvements\n- Add a printable one-page version later.\n\n## Scoring\n- thought_quality: 4\n";

const BUNDLE_PROMPT: &str = "You are the Dev pod. Task F3.1: write docs/rtp_guidance.md for coaches, using src/rtp/stages.py as the source of truth.\n";

const BUNDLE_DOC: &str = "# Return to play: a coach's guide\n\n**The one rule:** an athlete moves up a stage only after 24 hours without symptoms.\nIf symptoms come back, they go back one stage and rest.\n\n1. Symptom-limited activity — daily life, no training.\n2. Light aerobic exercise — walking or easy cycling.\n3. Sport-specific exercise — running drills, no head impact.\n4. Non-contact training drills — harder drills and passing.\n5. Full-contact practice — only after a doctor's clearance.\n6. Return to sport.\n";

const BUNDLE_HANDOFF: &str = "# Handoff: F3.1\n\nReady for the Delivery pod to include in the release notes (F4.1).\n";
