//! The app's log never holds a token: signed in to the GitHub stand-in, a sign-in that fails,
//! a promote that fails and one that succeeds, and a follow-up of the reviews, all logged at
//! the most detailed level into the app's log files; the token (as typed, in base64, and as
//! git's basic credentials) is nowhere in them.

use base64::Engine as _;
use github_standin::{RepoSpec, Standin};
use patchdesk_desk::settings::Overrides;
use patchdesk_desk::{follow, github, inbox, send, Desk, Remote};
use tracing_subscriber::filter::LevelFilter;

// Obviously fake.
const TOKEN: &str = "fake-pat-log-test-7d2e91";
const WRONG: &str = "fake-pat-log-test-wrong-55aa";

/// A change to `src/app.py` as a pod would send it.
const PATCH: &str = "diff --git a/src/app.py b/src/app.py\n--- a/src/app.py\n+++ b/src/app.py\n@@ -1,2 +1,2 @@\n def main():\n-    return 1\n+    return 2\n";

#[test]
fn no_token_reaches_the_log() {
    let tmp = tempfile::tempdir().unwrap();
    let logs = tmp.path().join("logs");
    tracing::subscriber::set_global_default(patchdesk_app::log::subscriber(&logs, LevelFilter::TRACE).unwrap())
        .unwrap();

    let gh = Standin::start_blocking().expect("stand-in starts (run scripts/fetch-openapi.sh first)");
    gh.state().add_user("octo", TOKEN, &["repo", "read:org"]);
    gh.state().add_repo(RepoSpec::new("octo", "hello")).unwrap();
    gh.state()
        .commit_files("octo", "hello", "main", "Project files", &[("src/app.py", "def main():\n    return 1\n")])
        .unwrap();
    let desk_with = |token: Option<&str>| {
        let overrides = Overrides {
            github_api: Some(gh.api_url()),
            github_token: token.map(str::to_string),
            ..Overrides::default()
        };
        Desk::new(tmp.path().join("data"), overrides)
    };

    // Signing in with a wrong token is refused by GitHub (nothing is kept).
    assert!(tauri::async_runtime::block_on(github::sign_in_with_token(&desk_with(None), WRONG)).is_err());
    let desk = desk_with(Some(TOKEN));

    // The lead's clone (public repository: no token needed to read).
    let work = tmp.path().join("lead");
    let repo = git2::Repository::clone(&gh.git_url("octo", "hello"), &work).unwrap();
    repo.config().unwrap().set_str("user.name", "Lead Person").unwrap();
    repo.config().unwrap().set_str("user.email", "lead@example.com").unwrap();
    let download = tmp.path().join("patch_20261120_101500_F4.3.diff");
    std::fs::write(&download, PATCH).unwrap();
    let project = patchdesk_desk::open_project(&work).unwrap();
    let report = inbox::import(&project, &[download]).unwrap();
    assert!(report.refused.is_empty(), "{:?}", report.refused);
    let item = report.imported[0].name.clone();

    // A promote that fails: the token goes to a repository that is not there.
    let missing = Remote { url: gh.git_url("octo", "missing"), github_repo: Some("octo/missing".into()) };
    assert!(send::send_for_review(&desk, &work, &item, &missing, send::SendChoices::default(), &|_| {}).is_err());

    // One that succeeds, then following the reviews.
    let hello = Remote { url: gh.git_url("octo", "hello"), github_repo: Some("octo/hello".into()) };
    send::send_for_review(&desk, &work, &item, &hello, send::SendChoices::default(), &|_| {}).unwrap();
    follow::follow_reviews(&desk, &work, &hello, patchdesk_desk::OffsetDateTime::now_utc()).unwrap();

    let mut log = String::new();
    for f in std::fs::read_dir(&logs).unwrap() {
        log.push_str(&std::fs::read_to_string(f.unwrap().path()).unwrap());
    }
    if std::env::var_os("PATCHDESK_SHOW_LOG").is_some() {
        eprintln!("{log}");
    }
    assert!(log.contains("promote stopped") && log.contains("promote finished"), "the log tells what happened:\n{log}");
    let b64 = base64::engine::general_purpose::STANDARD;
    for secret in [TOKEN, WRONG] {
        for form in [
            secret.to_string(),
            b64.encode(secret),
            b64.encode(format!("x-access-token:{secret}")),
            b64.encode(format!("octo:{secret}")),
        ] {
            assert!(!log.contains(&form), "the log holds a token ({form})");
        }
    }
}
