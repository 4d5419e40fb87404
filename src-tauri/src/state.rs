//! What the app keeps between commands: which project is open, the desk (settings, data
//! folder), and the paths the operating system handed over.

use crate::grants::Grants;
use patchdesk_desk::{Desk, Project};
use patchdesk_error::UserError;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Which project to open when the window first asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartupChoice {
    /// `--project PATH` or `PATCHDESK_PROJECT`.
    Folder(PathBuf),
    /// Nothing given: the built-in demo project.
    Demo,
}

impl StartupChoice {
    pub fn from_env_and_args(mut args: impl Iterator<Item = String>) -> Self {
        while let Some(arg) = args.next() {
            if arg == "--project" {
                if let Some(p) = args.next() {
                    return StartupChoice::Folder(PathBuf::from(p));
                }
            } else if let Some(p) = arg.strip_prefix("--project=") {
                return StartupChoice::Folder(PathBuf::from(p));
            }
        }
        match std::env::var_os("PATCHDESK_PROJECT") {
            Some(p) if !p.is_empty() => StartupChoice::Folder(PathBuf::from(p)),
            _ => StartupChoice::Demo,
        }
    }
}

pub struct AppState {
    desk: Desk,
    start: StartupChoice,
    project: Mutex<Option<Project>>,
    /// Paths the operating system handed over (dialogs, drops) in this session.
    grants: Grants,
}

impl AppState {
    pub fn new(desk: Desk, start: StartupChoice) -> Self {
        AppState { desk, start, project: Mutex::new(None), grants: Grants::default() }
    }

    /// Remembers paths the operating system handed over (a native dialog's answer, a drop on
    /// the window, a file the backend itself found): from now on the window may name them.
    /// Returns them resolved.
    pub fn grant(&self, paths: &[PathBuf]) -> Vec<PathBuf> {
        self.grants.grant(paths)
    }

    /// `path` from the window, resolved, when it was handed over by the operating system or lies
    /// under the app's data folder or `project` (the open project's folder); else the refusal
    /// "Patchdesk only opens files you chose or dropped on the window."
    pub fn allowed_path(&self, path: &str, project: Option<&Path>) -> Result<PathBuf, UserError> {
        let mut roots = vec![self.desk.data_dir().to_path_buf()];
        roots.extend(project.map(Path::to_path_buf));
        self.grants.check(Path::new(path), &roots)
    }

    /// The open project's folder, if one is open (does not open the startup project).
    pub fn open_workdir(&self) -> Option<PathBuf> {
        self.project.lock().unwrap_or_else(|p| p.into_inner()).as_ref().map(|p| p.workdir().to_path_buf())
    }

    /// The desk: settings, sign-in, the app's data folder.
    pub fn desk(&self) -> &Desk {
        &self.desk
    }

    /// Runs `f` on the open project, opening the startup choice first if none is open yet.
    pub fn with_project<T>(&self, f: impl FnOnce(&Project) -> Result<T, UserError>) -> Result<T, UserError> {
        let mut guard = self.project.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            *guard = Some(match &self.start {
                StartupChoice::Folder(p) => patchdesk_desk::open_project(p)?,
                StartupChoice::Demo => self.desk.demo_project()?,
            });
        }
        match guard.as_ref() {
            Some(p) => f(p),
            None => Err(UserError::new(patchdesk_error::Code::Internal, "No project is open.")),
        }
    }

    /// The open project's folder, opening the startup choice first if none is open yet.
    pub fn workdir(&self) -> Result<PathBuf, UserError> {
        self.with_project(|p| Ok(p.workdir().to_path_buf()))
    }

    /// Replaces the open project.
    pub fn open(&self, project: Project) {
        *self.project.lock().unwrap_or_else(|p| p.into_inner()) = Some(project);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> impl Iterator<Item = String> {
        a.iter().map(|s| s.to_string()).collect::<Vec<_>>().into_iter()
    }

    #[test]
    fn project_flag_wins() {
        assert_eq!(StartupChoice::from_env_and_args(args(&["--project", "/x"])), StartupChoice::Folder("/x".into()));
        assert_eq!(StartupChoice::from_env_and_args(args(&["--project=/y"])), StartupChoice::Folder("/y".into()));
    }
}
