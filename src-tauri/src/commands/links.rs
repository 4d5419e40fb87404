//! Web pages opened in the person's browser, never in Patchdesk's window. The window cannot
//! open addresses itself (no opener permission); it asks here, and the address is checked:
//! GitHub's pages only on github.com or the GitHub server the person set, a pod's links only
//! when they are plain http(s) addresses.

use crate::state::AppState;
use patchdesk_error::{Code, UserError};
use tauri::{AppHandle, State, Url};
use tauri_plugin_opener::OpenerExt;

/// Longer addresses are not opened (a link in a pod's text is a page, not a payload).
const MAX_URL: usize = 4096;

/// `url` parsed, when it is a plain web address: http or https, a host, no name or password
/// before the host, no spaces or control characters.
pub fn web_address(url: &str) -> Option<Url> {
    if url.len() > MAX_URL || url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return None;
    }
    let parsed = Url::parse(url).ok()?;
    let plain = matches!(parsed.scheme(), "http" | "https")
        && parsed.host_str().is_some_and(|h| !h.is_empty())
        && parsed.username().is_empty()
        && parsed.password().is_none();
    plain.then_some(parsed)
}

/// Whether `url` is one of GitHub's pages: https on github.com or a subdomain of it, or on the
/// GitHub server the person set (`web`, same scheme, host and port).
pub fn is_github_page(url: &Url, web: &str) -> bool {
    let host = url.host_str().unwrap_or("").to_ascii_lowercase();
    let on_github =
        url.scheme() == "https" && url.port().is_none() && (host == "github.com" || host.ends_with(".github.com"));
    let on_server = Url::parse(web).is_ok_and(|w| {
        w.scheme() == url.scheme()
            && w.host_str().map(str::to_ascii_lowercase) == Some(host.clone())
            && w.port_or_known_default() == url.port_or_known_default()
    });
    on_github || on_server
}

fn open(app: &AppHandle, url: &Url) -> Result<(), UserError> {
    app.opener().open_url(url.as_str(), None::<&str>).map_err(|_| {
        UserError::new(
            Code::NotOpened,
            format!(
                "Patchdesk could not start your web browser for {url}. Copy the address into your browser instead."
            ),
        )
    })
}

/// Opens one of GitHub's pages (a review request, the sign-in page, the token page) in the
/// browser. Anything not on github.com or the GitHub server the person set is refused.
#[tauri::command]
#[specta::specta]
pub fn open_github_page(app: AppHandle, state: State<'_, AppState>, url: String) -> Result<(), UserError> {
    let web = patchdesk_desk::github::web_base(state.desk())?;
    match web_address(&url) {
        Some(u) if is_github_page(&u, &web) => open(&app, &u),
        _ => Err(UserError::new(
            Code::LinkRefused,
            format!("Patchdesk opens only GitHub's own pages here, and {url} is not one. Copy the address into your browser if you trust it."),
        )),
    }
}

/// Opens a link from a pod's text in the browser: only plain http(s) addresses.
#[tauri::command]
#[specta::specta]
pub fn open_pod_link(app: AppHandle, url: String) -> Result<(), UserError> {
    match web_address(&url) {
        Some(u) => open(&app, &u),
        None => Err(UserError::new(
            Code::LinkRefused,
            "Patchdesk opens only web addresses (http or https) from a pod's text; this link is something else and was not opened.",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(url: &str, web: &str) -> bool {
        web_address(url).is_some_and(|u| is_github_page(&u, web))
    }

    #[test]
    fn only_plain_web_addresses_are_opened() {
        for ok in ["https://example.org/a?b=c#d", "http://example.org", "https://github.com/octo/hello/pull/1"] {
            assert!(web_address(ok).is_some(), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "file:///etc/passwd",
            "data:text/html,<script>alert(1)</script>",
            "tauri://localhost/",
            "ftp://example.org/x",
            "https://user:pass@example.org/",
            "https://github.com@evil.example/",
            "https://example.org/a b",
            "https://example.org/\n",
            "/relative/path",
            "",
            "https://",
        ] {
            assert!(web_address(bad).is_none(), "{bad}");
        }
        assert!(web_address(&format!("https://example.org/{}", "a".repeat(MAX_URL))).is_none());
    }

    #[test]
    fn github_pages_are_github_com_or_the_server_the_person_set() {
        let com = "https://github.com";
        assert!(page("https://github.com/octo/hello/pull/7", com));
        assert!(page("https://github.com/login/device", com));
        assert!(page("https://gist.github.com/x", com));
        assert!(page("https://GitHub.com/x", com));
        assert!(!page("http://github.com/x", com), "plain http is not GitHub");
        assert!(!page("https://github.com.evil.example/x", com));
        assert!(!page("https://evilgithub.com/x", com));
        assert!(!page("https://github.com:8443/x", com));
        assert!(!page("https://example.org/x", com));
        assert!(!page("/home/lead/demo/practice-remote.git#review-1", com));
        // An Enterprise server the person set.
        let ghe = "https://ghe.example.org";
        assert!(page("https://ghe.example.org/team/app/pull/3", ghe));
        assert!(page("https://ghe.example.org:443/team/app/pull/3", ghe));
        assert!(!page("http://ghe.example.org/team/app/pull/3", ghe));
        assert!(!page("https://ghe.example.org.evil.example/x", ghe));
        assert!(!page("https://other.example.org/x", ghe));
        // A local stand-in (only loopback http is accepted in the settings).
        let local = "http://127.0.0.1:4567";
        assert!(page("http://127.0.0.1:4567/login/device", local));
        assert!(!page("http://127.0.0.1:4568/login/device", local));
    }
}
