//! Repository-relative paths that are safe to write: the one gate every path from outside
//! (a patch header, a ZIP entry, a JSON payload) passes before it can reach a tree.

use patchdesk_error::{Code, Coded};
use std::fmt;

/// A validated, normalised path inside a repository: `/`-separated, relative, no `.` or `..`
/// components, no empty components, not inside `.git/`, no NUL or control characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RepoPath(String);

/// Why a path was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    #[error("the path is empty")]
    Empty,
    #[error("\"{0}\" is an absolute path; only paths inside the project are allowed")]
    Absolute(String),
    #[error("\"{0}\" climbs out of the project with \"..\"")]
    ParentDir(String),
    #[error("\"{0}\" points inside git's own .git folder")]
    GitDir(String),
    #[error("\"{0}\" contains a character that cannot be in a file name")]
    BadCharacter(String),
    #[error("\"{0}\" is longer than {MAX_PATH_BYTES} bytes")]
    TooLong(String),
}

impl Coded for PathError {
    fn code(&self) -> Code {
        Code::UnsafePath
    }
}

/// Longest path accepted, in bytes (git itself has no limit, file systems do: 4096 on Linux).
pub const MAX_PATH_BYTES: usize = 4096;

impl RepoPath {
    /// Checks and normalises `raw`. Backslashes are treated as separators (Windows-made ZIPs);
    /// `./` prefixes and repeated slashes are folded; anything unsafe is refused.
    pub fn parse(raw: &str) -> Result<RepoPath, PathError> {
        if raw.is_empty() {
            return Err(PathError::Empty);
        }
        let shown = || raw.escape_debug().to_string();
        if raw.len() > MAX_PATH_BYTES {
            return Err(PathError::TooLong(shown()));
        }
        if raw.chars().any(|c| c == '\0' || (c.is_control() && c != '\t')) {
            return Err(PathError::BadCharacter(shown()));
        }
        let unified = raw.replace('\\', "/");
        if unified.starts_with('/') || has_drive_prefix(&unified) {
            return Err(PathError::Absolute(shown()));
        }
        let mut parts: Vec<&str> = Vec::new();
        for part in unified.split('/') {
            match part {
                "" | "." => continue,
                ".." => return Err(PathError::ParentDir(shown())),
                p => {
                    if is_git_dir_name(p) {
                        return Err(PathError::GitDir(shown()));
                    }
                    parts.push(p);
                }
            }
        }
        if parts.is_empty() {
            return Err(PathError::Empty);
        }
        Ok(RepoPath(parts.join("/")))
    }

    /// The path as a `/`-separated string.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The path's components.
    pub fn components(&self) -> impl Iterator<Item = &str> {
        self.0.split('/')
    }

    /// The final component.
    pub fn file_name(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or(&self.0)
    }
}

impl fmt::Display for RepoPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for RepoPath {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// `.git` in any letter case, and the NTFS alias `git~1`, as git itself refuses them.
fn is_git_dir_name(part: &str) -> bool {
    let trimmed = part.trim_end_matches(['.', ' ']);
    trimmed.eq_ignore_ascii_case(".git") || trimmed.eq_ignore_ascii_case("git~1")
}

fn has_drive_prefix(p: &str) -> bool {
    let b = p.as_bytes();
    b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_paths_are_kept_and_normalised() {
        assert_eq!(RepoPath::parse("src/app.rs").unwrap().as_str(), "src/app.rs");
        assert_eq!(RepoPath::parse("./docs//goals.md").unwrap().as_str(), "docs/goals.md");
        assert_eq!(RepoPath::parse("docs\\goals.md").unwrap().as_str(), "docs/goals.md");
        assert_eq!(RepoPath::parse(".gitignore").unwrap().as_str(), ".gitignore");
        assert_eq!(RepoPath::parse("a/.github/x.yml").unwrap().file_name(), "x.yml");
    }

    #[test]
    fn unsafe_paths_are_refused() {
        assert!(matches!(RepoPath::parse(""), Err(PathError::Empty)));
        assert!(matches!(RepoPath::parse("./"), Err(PathError::Empty)));
        assert!(matches!(RepoPath::parse("/etc/passwd"), Err(PathError::Absolute(_))));
        assert!(matches!(RepoPath::parse("C:/x"), Err(PathError::Absolute(_))));
        assert!(matches!(RepoPath::parse("\\\\server\\x"), Err(PathError::Absolute(_))));
        assert!(matches!(RepoPath::parse("a/../../b"), Err(PathError::ParentDir(_))));
        assert!(matches!(RepoPath::parse(".git/config"), Err(PathError::GitDir(_))));
        assert!(matches!(RepoPath::parse("sub/.GIT/hooks/x"), Err(PathError::GitDir(_))));
        assert!(matches!(RepoPath::parse("GIT~1/config"), Err(PathError::GitDir(_))));
        assert!(matches!(RepoPath::parse("a\0b"), Err(PathError::BadCharacter(_))));
        assert!(matches!(RepoPath::parse("a\nb"), Err(PathError::BadCharacter(_))));
        assert!(matches!(RepoPath::parse(&"x".repeat(5000)), Err(PathError::TooLong(_))));
    }
}
