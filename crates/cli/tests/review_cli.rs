//! `patchdesk review`, `send-back`, `merge` and `practice review` on the demo's practice remote:
//! the whole loop from the command line.

mod hub;

use hub::{demo, json, patchdesk, promote, run};

#[test]
fn the_review_loop_from_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, project) = demo(tmp.path());
    let out = promote(&project, root.join("Downloads/patch_20261118_101500_F2.2.diff")).output().unwrap();
    let number = json(&out)["pr_number"].as_u64().unwrap().to_string();

    let v = json(&run(&["review", "--json", "F2.2"], &project));
    assert_eq!((v["state"].as_str(), v["summary"]["standing"].as_str()), (Some("open"), Some("waiting")));
    assert_eq!(v["summary"]["checks"], "none");

    // Usage: --file needs --line; neither verdict is a usage error.
    let out = run(&["practice", "review", &number, "--request-changes", "x", "--file", "a.md"], &project);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["practice", "review", &number], &project);
    assert_eq!(out.status.code(), Some(2));

    let out = run(
        &["practice", "review", &number, "--request-changes", "Say which stage.", "--file", "docs/x.md", "--line", "7"],
        &project,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&run(&["review", "--json", "F2.2"], &project));
    assert_eq!(v["summary"]["standing"], "changes_asked");
    assert_eq!(v["feedback"]["comments"][0]["path"], "docs/x.md");
    assert_eq!(v["feedback"]["comments"][0]["line"], 7);

    // Merge refused plainly while changes are asked.
    let out = run(&["merge", "F2.2"], &project);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("asked for changes"));

    let v = json(&run(&["send-back", "--json", "F2.2"], &project));
    assert!(v["prompt"].as_str().unwrap().contains("docs/x.md, line 7"), "{v}");
    assert_eq!(v["revision"], 2);

    assert!(run(&["practice", "review", &number, "--approve"], &project).status.success());
    let out = run(&["merge", "--method", "squash", "F2.2"], &project);
    assert_eq!(out.status.code(), Some(1), "the practice remote allows a merge commit only");
    let v = json(&run(&["merge", "--json", "F2.2"], &project));
    assert!(v["merge_commit"].is_string(), "{v}");
    assert_eq!(v["report"]["reviews"][0]["change"], "merged");
    let tasks = json(&patchdesk().args(["tasks", "--json", "--repo"]).arg(&project).output().unwrap());
    let f22 = tasks["tasks"].as_array().unwrap().iter().find(|t| t["id"] == "F2.2").unwrap();
    assert_eq!(f22["status"], "done");
    let v = json(&run(&["merge", "--json", "F2.2"], &project));
    assert!(v["merge_commit"].is_null() && v["report"]["commit"].is_null(), "a rerun changes nothing: {v}");
}

#[test]
fn withdraw_from_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, project) = demo(tmp.path());
    let out = promote(&project, root.join("Downloads/patch_20261118_101500_F2.2.diff")).output().unwrap();
    json(&out);
    let v = json(&run(&["withdraw", "--json", "--reason", "Wait for the new guide.", "F2.2"], &project));
    assert_eq!(v["branch_deleted"], true, "{v}");
    assert_eq!(v["report"]["reviews"][0]["change"], "closed");
    let out = run(&["withdraw", "--reason", "x", "F9.9"], &project);
    assert_eq!(out.status.code(), Some(2), "no request for that task");
}
