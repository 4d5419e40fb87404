//! Which paths the window may name. The webview is not trusted with the file system: a command
//! that takes a path takes only a path the operating system handed over (picked in a native
//! dialog opened from Rust, or dropped on the window; remembered here by the backend) or a path
//! under one of Patchdesk's own folders (the open project, the app's data folder, the folder
//! watched for pod downloads). Everything is compared after resolving links, so a link inside
//! the project that points elsewhere does not make "elsewhere" reachable.

use patchdesk_error::{Code, UserError};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// How every refusal starts (the sentence goes on to name the file and what to do).
pub const REFUSED: &str = "Patchdesk only opens files you chose or dropped on the window";

/// At most this many paths are remembered (a drop of a whole folder's files stays well below).
const MAX_GRANTS: usize = 4096;

/// Paths the operating system handed over in this session, resolved (links followed).
#[derive(Default)]
pub struct Grants {
    paths: Mutex<HashSet<PathBuf>>,
}

impl Grants {
    /// Remembers `paths` (as the dialog or the drop gave them). Paths that do not exist are
    /// skipped. Returns them resolved, in the order given.
    pub fn grant(&self, paths: &[PathBuf]) -> Vec<PathBuf> {
        let resolved: Vec<PathBuf> = paths.iter().filter_map(|p| p.canonicalize().ok()).collect();
        let mut set = self.paths.lock().unwrap_or_else(|e| e.into_inner());
        if set.len() + resolved.len() > MAX_GRANTS {
            set.clear();
        }
        set.extend(resolved.iter().cloned());
        resolved
    }

    /// `path` resolved, when it was handed over or lies under one of `roots`; else the refusal.
    pub fn check(&self, path: &Path, roots: &[PathBuf]) -> Result<PathBuf, UserError> {
        let set = self.paths.lock().unwrap_or_else(|e| e.into_inner());
        allowed(&set, roots, path)
    }
}

/// Whether the window may name `path`: it must exist, and once resolved be one of `granted`
/// (exactly: a granted file does not grant its folder) or lie under one of `roots` (resolved
/// here too). Returns the resolved path, which is what the command should use.
pub fn allowed(granted: &HashSet<PathBuf>, roots: &[PathBuf], path: &Path) -> Result<PathBuf, UserError> {
    let refused = || {
        let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        UserError::new(
            Code::PathNotChosen,
            format!(
                "{REFUSED}; drop {name} on the window, or choose it with Add files… or Open project…, and try again."
            ),
        )
    };
    if !path.is_absolute() {
        return Err(refused());
    }
    let real = path.canonicalize().map_err(|_| refused())?;
    if granted.contains(&real) {
        return Ok(real);
    }
    let under_root = roots.iter().filter_map(|r| r.canonicalize().ok()).any(|r| real.starts_with(&r));
    if under_root {
        Ok(real)
    } else {
        Err(refused())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn set(paths: &[&Path]) -> HashSet<PathBuf> {
        paths.iter().map(|p| p.canonicalize().unwrap()).collect()
    }

    #[test]
    fn a_path_nobody_handed_over_is_refused_in_plain_words() {
        let outside = tempfile::tempdir().unwrap();
        let file = outside.path().join("secret.diff");
        std::fs::write(&file, "x").unwrap();
        let err = allowed(&HashSet::new(), &[], &file).unwrap_err();
        assert_eq!(err.code, Code::PathNotChosen);
        assert_eq!(
            err.message,
            "Patchdesk only opens files you chose or dropped on the window; drop secret.diff on the window, or choose it with Add files… or Open project…, and try again."
        );
        // Not even a root's neighbour with the same prefix.
        let project = tempfile::tempdir().unwrap();
        let twin = PathBuf::from(format!("{}-twin", project.path().display()));
        std::fs::create_dir_all(&twin).unwrap();
        let twin_file = twin.join("a.diff");
        std::fs::write(&twin_file, "x").unwrap();
        assert!(allowed(&HashSet::new(), &[project.path().to_path_buf()], &twin_file).is_err());
        std::fs::remove_dir_all(&twin).unwrap();
    }

    #[test]
    fn a_granted_file_is_allowed_but_not_its_folder_or_its_neighbours() {
        let dir = tempfile::tempdir().unwrap();
        let picked = dir.path().join("patch_F1.diff");
        let other = dir.path().join("other.txt");
        std::fs::write(&picked, "x").unwrap();
        std::fs::write(&other, "y").unwrap();
        let granted = set(&[&picked]);
        assert_eq!(allowed(&granted, &[], &picked).unwrap(), picked.canonicalize().unwrap());
        assert!(allowed(&granted, &[], &other).is_err());
        assert!(allowed(&granted, &[], dir.path()).is_err());
    }

    #[test]
    fn dot_dot_and_relative_paths_do_not_climb_out() {
        let root = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let target = outside.path().join("x.diff");
        std::fs::write(&target, "x").unwrap();
        let climbing = root.path().join("..").join(outside.path().file_name().unwrap()).join("x.diff");
        assert!(climbing.exists());
        assert!(allowed(&HashSet::new(), &[root.path().to_path_buf()], &climbing).is_err());
        assert!(allowed(&HashSet::new(), &[root.path().to_path_buf()], Path::new("x.diff")).is_err());
        // Inside the root is fine, however it is spelled.
        std::fs::create_dir(root.path().join("sub")).unwrap();
        std::fs::write(root.path().join("in.diff"), "x").unwrap();
        let spelled = root.path().join("sub/../in.diff");
        assert_eq!(
            allowed(&HashSet::new(), &[root.path().to_path_buf()], &spelled).unwrap(),
            root.path().join("in.diff").canonicalize().unwrap()
        );
    }

    #[test]
    fn a_link_inside_the_project_pointing_outside_is_refused() {
        let project = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("id_rsa");
        std::fs::write(&secret, "key").unwrap();
        symlink(&secret, project.path().join("looks-inside.diff")).unwrap();
        symlink(outside.path(), project.path().join("folder-link")).unwrap();
        let roots = [project.path().to_path_buf()];
        assert!(allowed(&HashSet::new(), &roots, &project.path().join("looks-inside.diff")).is_err());
        assert!(allowed(&HashSet::new(), &roots, &project.path().join("folder-link/id_rsa")).is_err());
    }

    #[test]
    fn a_granted_file_later_replaced_by_a_link_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let picked = dir.path().join("patch.diff");
        std::fs::write(&picked, "x").unwrap();
        let granted = set(&[&picked]);
        let secret = outside.path().join("secret");
        std::fs::write(&secret, "s").unwrap();
        std::fs::remove_file(&picked).unwrap();
        symlink(&secret, &picked).unwrap();
        assert!(allowed(&granted, &[], &picked).is_err());
    }

    #[test]
    fn a_granted_path_reached_through_a_link_is_the_same_file() {
        // The dialog handed over /real/a.diff; the window names it through a linked folder.
        let real = tempfile::tempdir().unwrap();
        let links = tempfile::tempdir().unwrap();
        let file = real.path().join("a.diff");
        std::fs::write(&file, "x").unwrap();
        symlink(real.path(), links.path().join("via")).unwrap();
        let granted = set(&[&file]);
        assert_eq!(allowed(&granted, &[], &links.path().join("via/a.diff")).unwrap(), file.canonicalize().unwrap());
    }

    #[test]
    fn the_backend_remembers_what_it_was_handed() {
        let dir = tempfile::tempdir().unwrap();
        let picked = dir.path().join("patch.diff");
        std::fs::write(&picked, "x").unwrap();
        let grants = Grants::default();
        assert!(grants.check(&picked, &[]).is_err());
        let resolved = grants.grant(&[picked.clone(), dir.path().join("gone.diff")]);
        assert_eq!(resolved, vec![picked.canonicalize().unwrap()]);
        assert!(grants.check(&picked, &[]).is_ok());
        assert!(grants.check(&dir.path().join("gone.diff"), &[]).is_err());
    }

    #[test]
    fn a_nonexistent_root_allows_nothing() {
        let file = tempfile::NamedTempFile::new().unwrap();
        assert!(allowed(&HashSet::new(), &[PathBuf::from("/nonexistent-patchdesk-root")], file.path()).is_err());
        assert!(allowed(&HashSet::new(), &[PathBuf::from("/")], Path::new("/nonexistent-patchdesk-file")).is_err());
    }
}
