//! The open project's inbox, followed: items that reach it from outside the window (the pod
//! API, `patchdesk watch`, the CLI, the Action) are told to the window (`InboxChanged`) within
//! a round. A round only lists the inbox's folders (`live::inbox_changed`, through
//! [`AppState::inbox_news`]); nothing is told when nothing changed, and a project opened
//! since is followed from the moment it opened.

use crate::events::InboxChanged;
use crate::state::AppState;
use patchdesk_desk::background::Rounds;
use patchdesk_desk::live;
use tauri::{AppHandle, Manager};
use tauri_specta::Event;

/// The background round, kept for as long as the app runs.
pub struct FollowingInbox(#[allow(dead_code)] Rounds);

/// Starts following the open project's inbox every [`live::EVERY`].
pub fn start(app: &AppHandle) {
    let round_app = app.clone();
    let round = move || {
        if let Some(arrived) = round_app.state::<AppState>().inbox_news() {
            let _ = InboxChanged { arrived }.emit(&round_app);
        }
    };
    if let Ok(rounds) = Rounds::start("patchdesk-inbox", live::EVERY, round) {
        app.manage(FollowingInbox(rounds));
    }
}
