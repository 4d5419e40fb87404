//! Paths whose change needs a person's explicit "I understand": not refused, but named in plain
//! words so review can hold them (automation that runs with the repository's secrets, scripts
//! that run on the team's computers, Patchdesk's own records…).

use serde::Serialize;

/// Why a changed path deserves a second look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Risk {
    /// `.github/workflows/…` or `.github/actions/…`: runs on GitHub with the repository's secrets.
    Workflow,
    /// `.gitmodules`: which other repositories are fetched into this one.
    Submodules,
    /// `.gitmodules` gaining an `ext::` address: fetching it runs a command.
    SubmoduleCommand,
    /// Patchdesk's own folders (`.patches/`, `.logs/patches/`, `.patchdesk/`).
    PatchdeskOwn,
    /// Scripts git or tools run on the team's computers (`.githooks/`, `.husky/`,
    /// `.pre-commit-config.yaml`).
    GitHooks,
    /// `.gitattributes`: filters and conversions git applies on checkout.
    GitAttributes,
    /// Differs from another file only in upper/lower case (one file on Windows and Mac).
    CaseCollision,
    /// A link (symbolic link) instead of a file; only when the project allows links.
    Link,
}

/// One risky path of a patch, with the sentence to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct RiskyPath {
    /// The path in the repository.
    pub path: String,
    /// What kind of risk.
    pub risk: Risk,
    /// Plain sentence naming the path ("changes the automation GitHub runs …").
    pub message: String,
}

impl RiskyPath {
    /// A risky path with its sentence.
    pub fn new(path: &str, risk: Risk) -> RiskyPath {
        RiskyPath { path: path.to_string(), risk, message: risk.describe(path) }
    }
}

impl Risk {
    /// What changing `path` means, in plain words, naming the path.
    pub fn describe(&self, path: &str) -> String {
        match self {
            Risk::Workflow => format!("changes the automation GitHub runs with your repository's secrets ({path})"),
            Risk::Submodules => format!("changes which other repositories are fetched into this one ({path})"),
            Risk::SubmoduleCommand => format!(
                "adds a submodule address starting with \"ext::\", which runs a command on every computer that fetches it ({path})"
            ),
            Risk::PatchdeskOwn => format!("changes Patchdesk's own records of patches and tasks ({path})"),
            Risk::GitHooks => format!("changes scripts that run on your team's computers when they commit ({path})"),
            Risk::GitAttributes => format!("changes how git converts and filters files when they are checked out ({path})"),
            Risk::CaseCollision => format!(
                "has the same name as another file apart from upper and lower case letters; on Windows and Mac they would be one file ({path})"
            ),
            Risk::Link => format!("adds a link to another place instead of a file ({path})"),
        }
    }
}

/// The risk of changing `path` (a repository path, `/`-separated), from the path alone.
/// Letter case is ignored: a look-alike folder is flagged too.
pub fn risk(path: &str) -> Option<Risk> {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let under = |dir: &str| lower.starts_with(dir) && lower.len() > dir.len();
    if under(".github/workflows/") || under(".github/actions/") {
        Some(Risk::Workflow)
    } else if lower == ".gitmodules" {
        Some(Risk::Submodules)
    } else if under(".patches/") || under(".logs/patches/") || under(".patchdesk/") {
        Some(Risk::PatchdeskOwn)
    } else if under(".githooks/") || under(".husky/") || lower == ".pre-commit-config.yaml" {
        Some(Risk::GitHooks)
    } else if name == ".gitattributes" {
        Some(Risk::GitAttributes)
    } else {
        None
    }
}

/// The risk of changing `path` given the lines the change adds: `.gitmodules` gaining an
/// `ext::` address is more than a submodule change.
pub fn risk_of_change<'l>(path: &str, added: impl IntoIterator<Item = &'l [u8]>) -> Option<Risk> {
    let r = risk(path)?;
    if r == Risk::Submodules
        && added.into_iter().any(|l| memchr::memmem::find(&l.to_ascii_lowercase(), b"ext::").is_some())
    {
        return Some(Risk::SubmoduleCommand);
    }
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn risky_paths_are_classified() {
        assert_eq!(risk(".github/workflows/ci.yml"), Some(Risk::Workflow));
        assert_eq!(risk(".GitHub/Workflows/release.yaml"), Some(Risk::Workflow));
        assert_eq!(risk(".github/actions/setup/action.yml"), Some(Risk::Workflow));
        assert_eq!(risk(".gitmodules"), Some(Risk::Submodules));
        assert_eq!(risk(".patches/0001.diff"), Some(Risk::PatchdeskOwn));
        assert_eq!(risk(".logs/patches/2026-11-30.jsonl"), Some(Risk::PatchdeskOwn));
        assert_eq!(risk(".patchdesk/config.yaml"), Some(Risk::PatchdeskOwn));
        assert_eq!(risk(".githooks/pre-commit"), Some(Risk::GitHooks));
        assert_eq!(risk(".husky/pre-push"), Some(Risk::GitHooks));
        assert_eq!(risk(".pre-commit-config.yaml"), Some(Risk::GitHooks));
        assert_eq!(risk(".gitattributes"), Some(Risk::GitAttributes));
        assert_eq!(risk("vendor/lib/.gitattributes"), Some(Risk::GitAttributes));
    }

    #[test]
    fn ordinary_paths_are_not_risky() {
        for p in [
            "src/main.rs",
            ".github/CODEOWNERS",
            ".github/workflows",
            "docs/.github/workflows/ci.yml",
            "docs/.gitmodules",
            ".gitignore",
            "patches/x.diff",
            "logs/patches/x",
            "my.patchdesk/x",
            "husky/x",
        ] {
            assert_eq!(risk(p), None, "{p}");
        }
    }

    #[test]
    fn submodule_command_addresses_are_named() {
        let added: [&[u8]; 2] = [b"[submodule \"x\"]", b"\turl = ext::sh -c touch% /tmp/pwned"];
        assert_eq!(risk_of_change(".gitmodules", added), Some(Risk::SubmoduleCommand));
        let plain: [&[u8]; 1] = [b"\turl = https://github.com/team/lib.git"];
        assert_eq!(risk_of_change(".gitmodules", plain), Some(Risk::Submodules));
        assert_eq!(risk_of_change("README.md", added), None);
    }

    #[test]
    fn sentences_name_the_path_in_plain_words() {
        let r = RiskyPath::new(".github/workflows/ci.yml", Risk::Workflow);
        assert_eq!(
            r.message,
            "changes the automation GitHub runs with your repository's secrets (.github/workflows/ci.yml)"
        );
        for risk in [
            Risk::Workflow,
            Risk::Submodules,
            Risk::SubmoduleCommand,
            Risk::PatchdeskOwn,
            Risk::GitHooks,
            Risk::GitAttributes,
            Risk::CaseCollision,
            Risk::Link,
        ] {
            let s = risk.describe("x/y.txt");
            assert!(s.ends_with("(x/y.txt)") && !s.contains("::$") && !s.contains("libgit2"), "{s}");
        }
    }
}
