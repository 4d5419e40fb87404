//! The window shows Patchdesk's own pages and nothing else: any navigation away from the app's
//! own origin (a link in a pod's text that slipped past the window's click handling, a
//! `location` change, a form) is refused here, in Rust. Web pages open in the browser instead,
//! through `open_github_page` / `open_pod_link`.

use tauri::plugin::TauriPlugin;
use tauri::{Runtime, Url};

/// Whether `url` is one of the app's own pages: the embedded UI (`tauri://localhost`, or
/// `http(s)://tauri.localhost` where the platform serves it that way) or, in a development
/// build, the dev server `dev` (same scheme, host and port).
pub fn is_own_page(url: &Url, dev: Option<&Url>) -> bool {
    let host = url.host_str().unwrap_or("");
    let embedded = match url.scheme() {
        "tauri" => host == "localhost",
        "http" | "https" => host == "tauri.localhost" && url.port().is_none(),
        _ => false,
    };
    let dev_server = dev.is_some_and(|d| {
        d.scheme() == url.scheme()
            && d.host_str() == url.host_str()
            && d.port_or_known_default() == url.port_or_known_default()
    });
    embedded || dev_server
}

/// The guard, as a plugin so it applies to every webview the app makes (including the main
/// window made from `tauri.conf.json`).
pub fn guard<R: Runtime>() -> TauriPlugin<R> {
    tauri::plugin::Builder::<R>::new("patchdesk-navigation")
        .on_navigation(|webview, url| {
            use tauri::Manager;
            // The embedded build serves the UI itself; only a development build uses the dev server.
            let dev = if cfg!(feature = "custom-protocol") { None } else { webview.config().build.dev_url.clone() };
            is_own_page(url, dev.as_ref())
        })
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn own(url: &str, dev: Option<&str>) -> bool {
        let dev = dev.map(|d| Url::parse(d).unwrap());
        is_own_page(&Url::parse(url).unwrap(), dev.as_ref())
    }

    #[test]
    fn the_app_may_show_only_its_own_pages() {
        assert!(own("tauri://localhost/", None));
        assert!(own("tauri://localhost/index.html#inbox", None));
        assert!(own("http://tauri.localhost/", None));
        for away in [
            "https://github.com/octo/hello",
            "https://example.org/pod-page",
            "http://tauri.localhost.evil.example/",
            "http://tauri.localhost:8080/",
            "tauri://evil.example/",
            "file:///etc/passwd",
            "data:text/html,hi",
            "javascript:alert(1)",
            "about:blank",
            "http://127.0.0.1:5173/",
        ] {
            assert!(!own(away, None), "{away}");
        }
    }

    #[test]
    fn a_development_build_may_show_the_dev_server_only() {
        let dev = Some("http://127.0.0.1:5173");
        assert!(own("http://127.0.0.1:5173/", dev));
        assert!(own("http://127.0.0.1:5173/src/main.tsx", dev));
        assert!(!own("http://127.0.0.1:5174/", dev));
        assert!(!own("http://localhost:5173/", dev));
        assert!(!own("https://example.org/", dev));
    }
}
