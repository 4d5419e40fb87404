//! A lead opens the demo project: every sample pod download in the inbox becomes exactly the
//! change the pod meant, as a tree in the object database, and nothing the lead owns moves.

use git2::{Oid, Repository};
use patchdesk_intake::Kind;
use patchdesk_project::{demo, Project};
use std::process::Command;

/// The tree the pod meant: `base` with `changes` written over it, built with git's own tools
/// (a temporary index), independently of Patchdesk's apply code.
fn intended_tree(repo_dir: &std::path::Path, base: Oid, changes: &[(&str, &str)]) -> Oid {
    let index = tempfile::NamedTempFile::new().unwrap();
    let git = |args: &[&str], input: Option<&str>| {
        let mut cmd = Command::new("git");
        cmd.current_dir(repo_dir).env("GIT_INDEX_FILE", index.path()).args(args);
        if let Some(text) = input {
            let path = index.path().with_extension("blob");
            std::fs::write(&path, text).unwrap();
            cmd.arg(&path);
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    git(&["read-tree", &base.to_string()], None);
    for (path, content) in changes {
        let blob = git(&["hash-object", "-w"], Some(content));
        git(&["update-index", "--add", "--cacheinfo", &format!("100644,{blob},{path}")], None);
    }
    Oid::from_str(&git(&["write-tree"], None)).unwrap()
}

fn status(dir: &std::path::Path) -> String {
    let out =
        Command::new("git").current_dir(dir).args(["status", "--porcelain", "--untracked-files=all"]).output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_demo_download_becomes_the_intended_tree_without_touching_the_lead_s_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = demo::ensure(&dir.path().join("demo")).unwrap();
    let project = Project::open(&d.project).unwrap();
    project.seed_demo_inbox(&d).unwrap();
    let repo = Repository::open(&d.project).unwrap();
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    let base = head.tree_id();
    let before = status(&d.project);
    let index_before = std::fs::read(d.project.join(".git/index")).unwrap();

    let queue = project.queue().unwrap();
    let items = queue.list().unwrap();
    assert_eq!(items.len(), 3);
    for item in items {
        let bytes = queue.read_bytes(&item.name).unwrap();
        let (tree, outcome) = match item.kind {
            Kind::Diff { .. } => {
                let report = patchdesk_apply::apply(&repo, base, &bytes, &Default::default()).unwrap();
                (report.tree_id(), format!("{:?}/{}", report.outcome, report.repairs.len()))
            }
            Kind::Bundle => {
                let bundle = patchdesk_intake::read_bundle(&item.file_name, &bytes).unwrap();
                let files: Vec<_> = bundle.files.into_iter().map(|f| (f.path, f.content, f.executable)).collect();
                (Some(patchdesk_apply::apply_files(&repo, base, &files).unwrap()), "bundle".to_string())
            }
            other => panic!("unexpected kind {other:?} for {}", item.file_name),
        };
        let want = intended_tree(&d.project, base, demo::intended_change(&item.file_name));
        assert_eq!(tree, Some(want), "{} ({outcome}) gave the wrong tree", item.file_name);
        match item.file_name.as_str() {
            demo::CLEAN_PATCH => assert_eq!(outcome, "Clean/0"),
            demo::CHAT_PATCH => assert!(outcome.starts_with("Repaired/") && outcome != "Repaired/0", "{outcome}"),
            _ => {}
        }
    }

    // Nothing the lead owns moved: same HEAD, same index bytes, same status.
    assert_eq!(repo.head().unwrap().target(), Some(head.id()));
    assert_eq!(std::fs::read(d.project.join(".git/index")).unwrap(), index_before);
    assert_eq!(status(&d.project), before);
}
