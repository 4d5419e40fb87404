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
    #[error("\"{0}\" is a disguised name for git's own .git folder (Mac and Windows read it as .git); Patchdesk refuses it, ask the pod to use another name")]
    GitAlias(String),
    #[error("\"{visible}\" contains hidden right-to-left characters that change the direction text is shown in, so the name may not be what it seems; Patchdesk refuses it, ask the pod to use a plain file name")]
    Bidi { path: String, visible: String },
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
        if raw.chars().any(is_bidi_control) {
            return Err(PathError::Bidi { path: raw.to_string(), visible: visible(raw) });
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
                    if is_git_alias(p) {
                        return Err(PathError::GitAlias(visible(raw)));
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

/// Other names that Mac (HFS+) or Windows (NTFS) file systems open as `.git`, as git's own
/// `is_hfs_dotgit` and `is_ntfs_dotgit` refuse them: `.git` with ignorable Unicode code points
/// inside (HFS+ drops them), `.git` followed by an NTFS stream (`.git::$INDEX_ALLOCATION`),
/// trailing dots or spaces before a stream, and the 8.3 short names `git~1` … `git~9`.
fn is_git_alias(part: &str) -> bool {
    // HFS+: ignorable code points are dropped and case is folded.
    let folded: String = part.chars().filter(|&c| !is_hfs_ignorable(c)).collect();
    if folded.len() != part.len() && is_git_dir_name(&folded) {
        return true;
    }
    // NTFS: `.git` followed by spaces/dots then the end or a stream (`:`), in any case.
    let lower = part.to_ascii_lowercase();
    for stem in [".git", "git~1"] {
        if let Some(rest) = lower.strip_prefix(stem) {
            let rest = rest.trim_start_matches(['.', ' ']);
            if rest.is_empty() || rest.starts_with(':') {
                return true;
            }
        }
    }
    // 8.3 short names git's checks also cover (`GIT~2` … when several `.git…` names exist).
    let b = lower.as_bytes();
    b.len() == 5 && lower.starts_with("git~") && (b'1'..=b'9').contains(&b[4])
}

/// Code points HFS+ ignores when comparing names (git's `next_hfs_char`).
fn is_hfs_ignorable(c: char) -> bool {
    matches!(c as u32, 0x200c..=0x200f | 0x202a..=0x202e | 0x206a..=0x206f | 0xfeff)
}

/// Characters that reorder how text is displayed (right-to-left overrides, embeddings, isolates,
/// marks): a name holding them can look like another name.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c as u32, 0x061c | 0x200e | 0x200f | 0x202a..=0x202e | 0x2066..=0x2069)
}

/// The path with bidi controls and other invisible characters written out (`<U+202E>`), so
/// a person sees what the name really holds.
pub fn visible(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        if is_bidi_control(c) || is_hfs_ignorable(c) || c.is_control() {
            out.push_str(&format!("<U+{:04X}>", c as u32));
        } else {
            out.push(c);
        }
    }
    out
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

    #[test]
    fn git_folder_aliases_are_refused() {
        for p in [
            ".git /config",
            ".git. ./hooks/pre-commit",
            "GIT~1/config",
            "git~2/config",
            "sub/.GiT/config",
            ".g\u{200c}it/config",
            ".\u{200d}git/hooks/x",
            "\u{feff}.git/config",
            ".GI\u{200e}T/config",
            ".git::$INDEX_ALLOCATION/config",
            ".git ::$INDEX_ALLOCATION/config",
            "git~1::$INDEX_ALLOCATION/config",
        ] {
            let got = RepoPath::parse(p);
            assert!(
                matches!(got, Err(PathError::GitDir(_) | PathError::GitAlias(_) | PathError::Bidi { .. })),
                "{p:?}: {got:?}"
            );
        }
        // Look-alikes that are not `.git` stay allowed.
        for p in
            [".github/workflows/ci.yml", ".gitignore", ".gitmodules", "git~10/x", ".git-blame-ignore-revs", "a.git/x"]
        {
            assert!(RepoPath::parse(p).is_ok(), "{p}");
        }
        // Zero-width joiners in ordinary names (Persian, emoji) are fine.
        assert!(RepoPath::parse("docs/\u{645}\u{6cc}\u{200c}\u{62e}\u{648}\u{627}\u{647}\u{645}.md").is_ok());
    }

    #[test]
    fn direction_overrides_are_refused_and_shown() {
        let err = RepoPath::parse("docs/invoice\u{202e}fdp.exe").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("docs/invoice<U+202E>fdp.exe"), "{text}");
        assert!(!text.contains('\u{202e}'), "{text}");
        for c in
            ['\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}', '\u{200f}']
        {
            assert!(matches!(RepoPath::parse(&format!("a{c}b.txt")), Err(PathError::Bidi { .. })), "{c:?}");
        }
    }
}
