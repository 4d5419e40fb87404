//! A patch made from the changes a person staged in their own repository (the seed's
//! `generate_patch.py`): `.patches/patch_<ts>_<task_id>.diff` with its sidecar
//! `.logs/patches/<stem>.json` (`{patch_file, task_id, summary, output_folders, pod?}`).
//! Only those two files are written; the working tree's other files and the staging area are
//! only read.

use crate::Project;
use patchdesk_error::{Code, UserError};
use serde::Serialize;
use std::collections::BTreeSet;
use time::OffsetDateTime;

/// Where generated patches go.
pub const PATCHES: &str = ".patches";
/// Where their sidecars go.
pub const SIDECARS: &str = ".logs/patches";
/// The longest summary taken, in characters.
pub const MAX_SUMMARY_CHARS: usize = 2000;

/// What to generate.
#[derive(Debug, Clone, Default)]
pub struct PatchRequest {
    /// The task the change is for (`F2.1`, `2.3_build_metrics_tool`).
    pub task_id: String,
    /// One line saying what the change does.
    pub summary: String,
    /// The pod that made it, when known.
    pub pod: Option<String>,
    /// The folders the change writes to; empty: the staged files' top folders.
    pub output_folders: Vec<String>,
}

/// What was written.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Generated {
    /// `patch_<ts>_<task_id>.diff`.
    pub name: String,
    /// `.patches/<name>`, relative to the repository.
    pub patch_file: String,
    /// `.logs/patches/<stem>.json` (the name without `.diff`, as the inbox keeps metadata).
    pub sidecar: String,
    pub task_id: String,
    pub summary: String,
    pub output_folders: Vec<String>,
    /// The staged files the patch changes.
    pub files: Vec<String>,
    /// Size of the patch in bytes.
    pub bytes: usize,
}

/// Refuses a task id that cannot be part of a file name (`F2.1`, `2.3_build_metrics_tool`,
/// `qa-1a2b3c` are fine).
pub fn check_task_id(task_id: &str) -> Result<(), UserError> {
    let ok = !task_id.is_empty()
        && task_id.len() <= 100
        && !task_id.starts_with(['.', '-'])
        && task_id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        return Ok(());
    }
    let shown: String = task_id.chars().take(60).flat_map(char::escape_default).collect();
    Err(UserError::new(
        Code::InputInvalid,
        format!("The task id \"{shown}\" cannot be part of a patch's file name; use letters, digits, dots, dashes and underscores only (like F2.1)."),
    ))
}

/// `folder` as a relative folder inside the project ending in `/` (`docs` → `docs/`).
fn output_folder(folder: &str) -> Result<String, UserError> {
    let trimmed = folder.trim().trim_end_matches('/');
    let inside = !trimmed.is_empty()
        && !trimmed.starts_with('/')
        && !trimmed.contains(['\\', '\0', '\n', '\r'])
        && trimmed.split('/').all(|c| !c.is_empty() && c != "." && c != "..")
        && trimmed.split('/').next() != Some(".git");
    if !inside {
        let shown: String = folder.chars().take(80).flat_map(char::escape_default).collect();
        return Err(UserError::new(
            Code::UnsafePath,
            format!("The output folder \"{shown}\" is not a folder inside the project; name folders like docs/ or src/app/."),
        ));
    }
    Ok(format!("{trimmed}/"))
}

/// Makes `.patches/patch_<ts>_<task_id>.diff` (`git diff --cached` of the staged changes) and its
/// sidecar in `project`, at time `now`. Refuses, writing nothing, when nothing is staged, the
/// task id or a folder is unusable, the patch would be larger than the inbox takes, or a patch
/// of that name is already there.
pub fn generate(project: &Project, request: &PatchRequest, now: OffsetDateTime) -> Result<Generated, UserError> {
    let task_id = request.task_id.trim();
    check_task_id(task_id)?;
    let summary = request.summary.trim();
    if summary.is_empty() {
        return Err(UserError::new(Code::InputInvalid, "The summary is empty; say in one line what the change does."));
    }
    if summary.chars().count() > MAX_SUMMARY_CHARS {
        return Err(UserError::new(
            Code::InputTooLarge,
            format!("The summary is longer than {MAX_SUMMARY_CHARS} characters; say in one line what the change does."),
        ));
    }
    let folders = request.output_folders.iter().map(|f| output_folder(f)).collect::<Result<Vec<_>, _>>()?;
    let max = project.queue()?.limits().max_input_bytes as usize;
    let (text, files) = staged_diff(project.repo(), max)?;

    let name = patchdesk_intake::patch_file_name(now, task_id, "diff");
    let patch_file = format!("{PATCHES}/{name}");
    let sidecar = format!("{SIDECARS}/{}", patchdesk_intake::patch_file_name(now, task_id, "json"));
    let workdir = project.workdir();
    for rel in [&patch_file, &sidecar] {
        let found =
            patchdesk_disk::inspect(workdir, rel).map_err(|e| UserError::new(Code::UnsafePath, e.to_string()))?;
        if found != patchdesk_disk::Found::Nothing {
            return Err(UserError::new(
                Code::AlreadyImported,
                format!("{rel} is already there; wait a second and generate again, or move the old one away."),
            ));
        }
    }
    let output_folders = if folders.is_empty() { top_folders(&files) } else { folders };
    let mut meta = serde_json::Map::new();
    meta.insert("patch_file".into(), patch_file.clone().into());
    meta.insert("task_id".into(), task_id.into());
    meta.insert("summary".into(), summary.into());
    meta.insert("output_folders".into(), output_folders.clone().into());
    if let Some(pod) = request.pod.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        meta.insert("pod".into(), pod.into());
    }
    meta.insert("files".into(), files.clone().into());
    meta.insert("created_at".into(), patchdesk_clock::rfc3339_seconds(now).into());
    let mut json = serde_json::to_vec_pretty(&serde_json::Value::Object(meta))
        .map_err(|e| UserError::new(Code::Internal, e.to_string()))?;
    json.push(b'\n');
    let write = |rel: &str, bytes: &[u8]| {
        patchdesk_disk::replace_file(workdir, rel, bytes).map_err(|e| UserError::new(Code::Io, e.to_string()))
    };
    write(&patch_file, text.as_bytes())?;
    if let Err(e) = write(&sidecar, &json) {
        let _ = std::fs::remove_file(workdir.join(&patch_file));
        return Err(e);
    }
    Ok(Generated {
        name,
        bytes: text.len(),
        patch_file,
        sidecar,
        task_id: task_id.to_string(),
        summary: summary.to_string(),
        output_folders,
        files,
    })
}

/// `git diff --cached --binary` of `repo` (the staged changes against `HEAD`, or against
/// nothing before the first commit) and the files it changes. At most `max` bytes.
fn staged_diff(repo: &git2::Repository, max: usize) -> Result<(String, Vec<String>), UserError> {
    let git = |e: git2::Error| UserError::new(Code::Git, format!("Could not read the staged changes: {}", e.message()));
    let head = match repo.head() {
        Ok(h) => Some(h.peel_to_tree().map_err(git)?),
        Err(_) => None,
    };
    let index = repo.index().map_err(git)?;
    if index.has_conflicts() {
        return Err(UserError::new(
            Code::RepoBusy,
            "Some staged files still have merge conflicts; finish the merge, then generate the patch.",
        ));
    }
    let mut opts = git2::DiffOptions::new();
    opts.show_binary(true).ignore_submodules(true);
    let diff = repo.diff_tree_to_index(head.as_ref(), Some(&index), Some(&mut opts)).map_err(git)?;
    let mut files = BTreeSet::new();
    for d in diff.deltas() {
        for f in [d.old_file().path(), d.new_file().path()].into_iter().flatten() {
            files.insert(f.to_string_lossy().into_owned());
        }
    }
    if files.is_empty() {
        return Err(UserError::new(
            Code::NoChanges,
            "Nothing is staged in this repository; stage the files the change is made of (git add FILE), then generate again.",
        ));
    }
    let mut text = Vec::new();
    let mut too_large = false;
    let printed = diff.print(git2::DiffFormat::Patch, |_, _, line| {
        let origin = line.origin();
        let prefix = matches!(origin, '+' | '-' | ' ').then_some(origin as u8);
        if text.len() + line.content().len() + 1 > max {
            too_large = true;
            return false;
        }
        text.extend(prefix);
        text.extend_from_slice(line.content());
        true
    });
    if too_large {
        return Err(UserError::new(
            Code::InputTooLarge,
            format!("The staged changes make a patch larger than the {} MB Patchdesk takes; stage fewer files and generate several patches.", max >> 20),
        ));
    }
    printed.map_err(git)?;
    let text = String::from_utf8(text).map_err(|_| {
        UserError::new(
            Code::PatchUnreadable,
            "A staged file's name or text is not UTF-8; a patch of it could not be read back. Stage it separately as a binary file or rename it.",
        )
    })?;
    Ok((text, files.into_iter().collect()))
}

/// The top folders of `files` (`docs/a.md` → `docs/`); files at the top give `./`.
fn top_folders(files: &[String]) -> Vec<String> {
    let set: BTreeSet<String> = files
        .iter()
        .map(|f| f.split_once('/').map_or_else(|| "./".to_string(), |(top, _)| format!("{top}/")))
        .collect();
    set.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn task_ids_that_are_not_file_names_are_refused() {
        for bad in ["", "../x", "a/b", ".hidden", "-rf", "a b", "é", &"x".repeat(101)] {
            assert!(check_task_id(bad).is_err(), "{bad}");
        }
        for good in ["F2.1", "2.3_build_metrics_tool", "qa-1a2b3c"] {
            assert!(check_task_id(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn output_folders_stay_inside_the_project() {
        assert_eq!(output_folder("docs").unwrap(), "docs/");
        assert_eq!(output_folder("src/app/").unwrap(), "src/app/");
        for bad in ["/etc", "../up", "a/../../b", ".git/hooks", "", "a\\b"] {
            assert_eq!(output_folder(bad).unwrap_err().code, Code::UnsafePath, "{bad}");
        }
    }

    #[test]
    fn staged_changes_larger_than_the_cap_are_refused_while_printing() {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        std::fs::write(dir.path().join("big.txt"), "line\n".repeat(10_000)).unwrap();
        let mut index = repo.index().unwrap();
        index.add_path(Path::new("big.txt")).unwrap();
        index.write().unwrap();
        let e = staged_diff(&repo, 1000).unwrap_err();
        assert_eq!(e.code, Code::InputTooLarge, "{}", e.message);
        let (text, files) = staged_diff(&repo, 1 << 20).unwrap();
        assert!(text.starts_with("diff --git a/big.txt b/big.txt\n"), "{text:.80}");
        assert_eq!(files, ["big.txt"]);
    }

    #[test]
    fn top_folders_of_files() {
        let files = vec!["docs/a.md".to_string(), "docs/b/c.md".into(), "README.md".into()];
        assert_eq!(top_folders(&files), ["./", "docs/"]);
    }
}
