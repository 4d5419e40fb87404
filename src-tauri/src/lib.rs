//! The Patchdesk app shell: thin Tauri commands over the core crates, grouped by domain.
//! No domain logic lives here; a command opens the state it needs, calls the core and maps
//! errors to `{code, message}`.

mod commands;
mod events;
pub mod grants;
pub mod instance;
mod live;
pub mod log;
pub mod memory;
pub mod navigation;
pub mod startup;
mod state;
mod webview;

use state::AppState;
use tauri::Manager;

/// Every command and event the UI may use. The TypeScript bindings in `ui/src/lib/ipc/bindings.ts`
/// are generated from this list (see `export_bindings`), so the two never drift apart.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        .commands(tauri_specta::collect_commands![
            commands::project::current_project,
            commands::project::open_project,
            commands::project::open_demo_project,
            commands::inbox::import_files,
            commands::inbox::review_item,
            commands::inbox::review_file,
            commands::inbox::reject_item,
            commands::inbox::set_item_status,
            commands::inbox::inbox_checks,
            commands::inbox::recognise_paste,
            commands::inbox::paste_answer,
            commands::board::hand_off_task,
            commands::board::project_metrics,
            commands::board::follow_reviews,
            commands::board::known_reviews,
            commands::promote::send_for_review,
            commands::promote::promote_preview,
            commands::github::github_status,
            commands::github::github_settings,
            commands::github::github_start_sign_in,
            commands::github::github_finish_sign_in,
            commands::github::github_cancel_sign_in,
            commands::github::github_sign_in_with_token,
            commands::github::github_sign_out,
            commands::github::github_repositories,
            commands::github::connect_github_repository,
            commands::downloads::watched_folder,
            commands::downloads::set_downloads_watch,
            commands::downloads::seen_downloads,
            commands::downloads::add_seen_download,
            commands::choose::choose_paths,
            commands::links::open_github_page,
            commands::links::open_pod_link,
            commands::help::open_log_folder,
            instance::opened_files,
            commands::help::about_patchdesk,
            commands::help::problem_report,
            commands::window::window_tab,
            commands::window::remember_tab,
            commands::review::task_review,
            commands::review::send_back_to_pod,
            commands::review::merge_task,
            commands::review::withdraw_review,
            commands::review::practice_review,
            commands::undo::undo_merge,
            startup::project_shown,
        ])
        .events(tauri_specta::collect_events![
            events::ProjectOpened,
            events::PromoteProgress,
            events::CloneProgressed,
            events::DownloadsArrived,
            events::ReviewsFollowed,
            events::FilesDropped,
            events::InboxChanged
        ])
        .typ::<patchdesk_error::UserError>()
}

/// Writes the TypeScript bindings to `path`.
pub fn export_bindings(path: &std::path::Path) -> Result<(), String> {
    specta_builder()
        .export(
            specta_typescript::Typescript::default()
                .header("// Generated from the Rust commands by `cargo run -p patchdesk-app --bin export-bindings`. Do not edit.\n// @ts-nocheck")
                .bigint(specta_typescript::BigIntExportBehavior::Number),
            path,
        )
        .map_err(|e| e.to_string())
}

/// Files dropped on the window: the operating system handed them over, so the backend
/// remembers them, then tells the window (which imports them or opens the folder).
fn dropped(app: &tauri::AppHandle, paths: &[std::path::PathBuf]) {
    use tauri_specta::Event;
    let Some(state) = app.try_state::<AppState>() else { return };
    let paths = state.grant(paths).into_iter().map(|p| p.display().to_string()).collect();
    let _ = events::FilesDropped { paths }.emit(app);
}

/// Starts the app.
pub fn run() {
    startup::began();
    // before WebKit's processes start: they inherit the environment
    webview::engine_settings();
    // Read and write git objects the way git itself does (the apply engine checks its own output).
    patchdesk_desk::apply::use_git_object_checks();
    let builder = specta_builder();
    let context = tauri::generate_context!();
    let data_dir = std::env::var_os("PATCHDESK_DATA_DIR").filter(|d| !d.is_empty()).map(std::path::PathBuf::from);
    tauri::Builder::default()
        // First: a second launch hands its files to the running window and leaves here.
        .plugin(instance::plugin(&context.config().identifier, data_dir.as_deref()))
        .plugin(commands::window::geometry_plugin(&patchdesk_desk::settings::data_dir()))
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(navigation::guard())
        .invoke_handler(builder.invoke_handler())
        .on_window_event(|window, event| match event {
            tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) => {
                dropped(window.app_handle(), paths)
            }
            tauri::WindowEvent::Moved(_) | tauri::WindowEvent::Resized(_) => {
                commands::window::moved(window.app_handle())
            }
            _ => {}
        })
        .on_webview_event(|webview, event| {
            if let tauri::WebviewEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = event {
                dropped(webview.app_handle(), paths);
            }
        })
        .on_page_load(|_, payload| {
            if matches!(payload.event(), tauri::webview::PageLoadEvent::Started) {
                startup::mark("page");
            }
        })
        .setup(move |app| {
            startup::mark("setup");
            builder.mount_events(app);
            log::start(app.handle());
            // Lossy: a file name that is not UTF-8 names no file here and is left out, not a crash.
            let args: Vec<String> = std::env::args_os().skip(1).map(|a| a.to_string_lossy().into_owned()).collect();
            let start = state::StartupChoice::from_env_and_args(args.iter().cloned());
            // The same data folder (settings, demo, clones) as the `patchdesk` command's. The
            // window signs in only through the keyring (never `GITHUB_TOKEN`).
            let overrides = patchdesk_desk::settings::Overrides {
                github_token: None,
                ..patchdesk_desk::settings::Overrides::from_env()
            };
            let desk = patchdesk_desk::Desk::new(patchdesk_desk::settings::data_dir(), overrides);
            let state = AppState::new(desk, start);
            app.manage(instance::OpenedWith::from_args(&state, &args));
            app.manage(state);
            startup::open_project_early(app.handle());
            webview::lighten(app.handle());
            app.manage(commands::github::GitHubSession::default());
            app.manage(commands::window::GeometrySave::default());
            commands::downloads::start(app.handle());
            commands::board::start(app.handle());
            live::start(app.handle());
            Ok(())
        })
        .run(context)
        .expect("the Patchdesk window could not be started");
}
