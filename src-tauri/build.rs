// Declares the app's own commands so each needs an explicit permission in a capability
// (least privilege: a command not listed in capabilities/*.json cannot be called).
const COMMANDS: &[&str] = &[
    "current_project",
    "open_project",
    "open_demo_project",
    "import_files",
    "review_item",
    "review_file",
    "reject_item",
    "set_item_status",
    "inbox_checks",
    "recognise_paste",
    "paste_answer",
    "hand_off_task",
    "project_metrics",
    "follow_reviews",
    "known_reviews",
    "send_for_review",
    "promote_preview",
    "github_status",
    "github_settings",
    "github_start_sign_in",
    "github_finish_sign_in",
    "github_cancel_sign_in",
    "github_sign_in_with_token",
    "github_sign_out",
    "github_repositories",
    "connect_github_repository",
    "watched_folder",
    "set_downloads_watch",
    "seen_downloads",
    "add_seen_download",
    "choose_paths",
    "open_github_page",
    "open_pod_link",
    "open_log_folder",
    "opened_files",
    "about_patchdesk",
    "problem_report",
    "window_tab",
    "remember_tab",
    "project_shown",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("the Tauri build step failed");
}
