//! `patchdesk undo` on the demo's practice remote: a merged task's change taken out again by a
//! revert request; a rerun finds the same request; a task with nothing merged is refused.

mod hub;

use hub::{demo, json, patchdesk, promote, run};

#[test]
fn undo_from_the_command_line() {
    let help = patchdesk().args(["undo", "--help"]).output().unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("Undo a task's merged pull request"));

    let tmp = tempfile::tempdir().unwrap();
    let (root, project) = demo(tmp.path());

    // Nothing sent yet: refused in one sentence, nothing written.
    let out = run(&["undo", "--json", "F2.2"], &project);
    assert_eq!(out.status.code(), Some(1));
    let e: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(e["error"]["code"], "not_merged", "{e}");

    let out = promote(&project, root.join("Downloads/patch_20261118_101500_F2.2.diff")).output().unwrap();
    let number = json(&out)["pr_number"].as_u64().unwrap();
    // Open, not merged: refused.
    let out = run(&["undo", "F2.2"], &project);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is still open"), "{}", String::from_utf8_lossy(&out.stderr));

    assert!(run(&["practice", "review", &number.to_string(), "--approve"], &project).status.success());
    json(&run(&["merge", "--json", "F2.2"], &project));
    let v = json(&run(&["undo", "--json", "F2.2"], &project));
    assert_eq!(
        (v["reverts"].as_u64(), v["new"].as_bool(), v["state"].as_str()),
        (Some(number), Some(true), Some("open"))
    );
    let undo = v["number"].as_u64().unwrap();
    assert_ne!(undo, number);
    assert!(v["branch"].as_str().unwrap().starts_with("patchdesk/undo/"), "{v}");

    // A rerun finds the same request.
    let out = run(&["undo", "F2.2"], &project);
    assert!(out.status.success());
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains(&format!("#{undo} to undo the merge of #{number} is there already")), "{said}");
}
