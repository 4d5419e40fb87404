//! What the window's web view keeps in memory. Patchdesk is one local page: it never goes back
//! or forward, loads nothing from the web, plays no media and draws no 3D, so WebKit is told to
//! cache like a document viewer, to draw without GPU compositing and to leave those features
//! off (measured with scripts/bench-app.sh; README, the benchmark tables).

/// Before WebKit starts its web process (which inherits the environment): JavaScriptCore runs a
/// full collection sooner after a burst of allocation. By default it waits longer the less was
/// allocated since the last one, so whether a closed review's objects were collected while the
/// window stayed idle was a matter of chance (15 s after closing the 700,000-line review, one
/// run in two still held 20 MB more); with this a full collection comes as soon as its cost
/// stays within the engine's own cap (5 % of the time). scripts/bench-app.sh: the review open
/// 10 MB less, closed 3 MB less, idle 4 MB more. A value already set wins.
pub fn engine_settings() {
    const FULL_COLLECTIONS: &str = "JSC_percentCPUPerMBForFullTimer";
    if std::env::var_os(FULL_COLLECTIONS).is_none() {
        std::env::set_var(FULL_COLLECTIONS, "0.05");
    }
}

/// Applies the settings to the main window's web view (Linux: WebKitGTK).
pub fn lighten(app: &tauri::AppHandle) {
    use tauri::Manager;
    let Some(window) = app.get_webview_window("main") else { return };
    let applied = window.with_webview(|view| {
        #[cfg(target_os = "linux")]
        {
            use webkit2gtk::{CacheModel, HardwareAccelerationPolicy, SettingsExt, WebContextExt, WebViewExt};
            let view = view.inner();
            if let Some(context) = view.context() {
                // The smallest caches: no memory cache of pages gone, no page cache.
                context.set_cache_model(CacheModel::DocumentViewer);
            }
            if let Some(settings) = WebViewExt::settings(&view) {
                // Pages of text and diffs need no GPU compositing; with it WebKit's web process
                // held 208 MB instead of 113 MB idle (software GL under Xvfb, bench-app.sh),
                // and it is the usual cause of blank WebKitGTK windows on some GPU drivers.
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
                settings.set_enable_page_cache(false);
                settings.set_enable_webgl(false);
                settings.set_enable_webaudio(false);
                settings.set_enable_media(false);
                settings.set_enable_media_stream(false);
                settings.set_enable_mediasource(false);
                settings.set_enable_encrypted_media(false);
                settings.set_enable_html5_database(false);
                settings.set_enable_offline_web_application_cache(false);
                settings.set_enable_dns_prefetching(false);
            }
        }
        #[cfg(not(target_os = "linux"))]
        let _ = view;
    });
    if let Err(e) = applied {
        tracing::warn!("the web view's memory settings could not be applied: {e}");
    }
}
