//! What the app keeps between commands: which project is open, the desk (settings, data
//! folder), and the paths the operating system handed over.

use crate::grants::Grants;
use patchdesk_desk::live::{self, InboxStamp};
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
    /// The open project's folder and its inbox as last seen (see `crate::live`): taken before the
    /// window reads a project it opens, so nothing that arrives after that read goes unseen.
    inbox: Mutex<Option<(PathBuf, InboxStamp)>>,
    /// Paths the operating system handed over (dialogs, drops) in this session.
    grants: Grants,
}

impl AppState {
    pub fn new(desk: Desk, start: StartupChoice) -> Self {
        AppState { desk, start, project: Mutex::new(None), inbox: Mutex::new(None), grants: Grants::default() }
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
            let project = match &self.start {
                StartupChoice::Folder(p) => patchdesk_desk::open_project(p)?,
                StartupChoice::Demo => self.desk.demo_project()?,
            };
            self.follow_inbox(project.workdir(), InboxStamp::read(project.workdir()));
            *guard = Some(project);
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

    /// Replaces the open project; `inbox` is its inbox as read before the window read the project.
    pub fn open(&self, project: Project, inbox: InboxStamp) {
        self.follow_inbox(project.workdir(), inbox);
        *self.project.lock().unwrap_or_else(|p| p.into_inner()) = Some(project);
    }

    fn follow_inbox(&self, workdir: &Path, inbox: InboxStamp) {
        *self.inbox.lock().unwrap_or_else(|p| p.into_inner()) = Some((workdir.to_path_buf(), inbox));
    }

    /// The items that arrived in the open project's inbox since it was last asked (or opened),
    /// when the inbox changed at all; `None` when it looks the same or no project is open.
    pub fn inbox_news(&self) -> Option<Vec<String>> {
        let mut guard = self.inbox.lock().unwrap_or_else(|p| p.into_inner());
        let (workdir, stamp) = guard.as_mut()?;
        let change = live::inbox_changed(workdir, stamp)?;
        *stamp = change.stamp;
        Some(change.arrived)
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

    fn add(dir: &Path, name: &str) {
        std::fs::create_dir_all(dir.join(".patches/queue")).unwrap();
        std::fs::write(dir.join(".patches/queue").join(name), "diff").unwrap();
    }

    #[test]
    fn inbox_news_is_told_once_and_follows_the_project_opened() {
        let tmp = tempfile::tempdir().unwrap();
        let desk = Desk::new(tmp.path().join("data"), Default::default());
        let state = AppState::new(desk, StartupChoice::Demo);
        assert_eq!(state.inbox_news(), None, "no project open");
        let demo = state.workdir().unwrap();
        assert_eq!(state.inbox_news(), None, "the project as opened is what the window read");
        add(&demo, "x.diff");
        assert_eq!(state.inbox_news(), Some(vec!["x.diff".to_string()]));
        assert_eq!(state.inbox_news(), None, "told once");

        let project = Desk::new(tmp.path().join("other"), Default::default()).demo_project().unwrap();
        let other = project.workdir().to_path_buf();
        let inbox = InboxStamp::read(&other);
        add(&other, "arrived-while-the-window-read-it.diff");
        state.open(project, inbox);
        add(&demo, "y.diff");
        assert_eq!(
            state.inbox_news(),
            Some(vec!["arrived-while-the-window-read-it.diff".to_string()]),
            "the new project only, from before the window read it"
        );
    }
}
