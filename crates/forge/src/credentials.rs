//! Where the GitHub sign-in may go over git: only to the git host of the signed-in API, over
//! https.
//!
//! git (libgit2) asks for credentials whenever a server answers 401, and it asks with the
//! address of the server that answered — after a redirect, that may be another server than
//! the remote's. So the sign-in is looked up for that address on every request
//! ([`GitCredentials::for_url`]), never handed out for "the remote" once.
//!
//! The git host goes with the API: `https://api.github.com` → `https://github.com`; an
//! Enterprise Server `https://HOST/api/v3` → `https://HOST`. Plain http never gets the
//! sign-in, with one narrow exception for a local test server: when the API itself is plain
//! http on a loopback address (127.0.0.0/8 or ::1), that same address and port may have it.

use patchdesk_secrets::Secret;

use crate::{ApiBase, ForgeError, OtherRemote, PracticeRemote};

/// The signed-in token and the one place git may send it. Built from the API the sign-in
/// belongs to ([`GitCredentials::new`]); cloning it clones the secret (never printed).
#[derive(Clone)]
pub struct GitCredentials {
    /// Where git may send the token; `None`: nowhere (a plain-http API off this computer).
    to: Option<Origin>,
    token: Secret,
    /// `github.com`, `ghe.example.org`: the name the lead knows the server by.
    words: String,
}

impl std::fmt::Debug for GitCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GitCredentials").field("to", &self.to).field("host", &self.words).finish_non_exhaustive()
    }
}

/// The parts of an address that decide where a request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Origin {
    scheme: String,
    host: String,
    port: u16,
}

/// Scheme, host (lower case; IPv6 without brackets) and port of `url`, or `None` when the
/// address is not a plain `http(s)://host[:port]/…` — one with a user name or password, an
/// escaped or odd character in the host, or anything else another parser might read
/// differently gets nothing.
fn origin(url: &str) -> Option<Origin> {
    let (scheme, rest) = url.trim().split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => 443,
        "http" => 80,
        _ => return None,
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (addr, after) = v6.split_once(']')?;
        if addr.is_empty() || !addr.bytes().all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.') {
            return None;
        }
        (addr.to_ascii_lowercase(), after)
    } else {
        let (host, after) = match authority.find(':') {
            Some(i) => (&authority[..i], &authority[i..]),
            None => (authority, ""),
        };
        if host.is_empty()
            || host.starts_with('.')
            || host.ends_with('.')
            || !host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        {
            return None;
        }
        (host.to_ascii_lowercase(), after)
    };
    let port = match port {
        "" => default_port,
        p => {
            let digits = p.strip_prefix(':')?;
            if digits.is_empty() || digits.len() > 5 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            digits.parse::<u16>().ok().filter(|p| *p != 0)?
        }
    };
    Some(Origin { scheme, host, port })
}

/// `url` without a user name or password, for messages.
fn shown(url: &str) -> String {
    let u = url.trim();
    match u.split_once("://") {
        Some((scheme, rest)) => {
            let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            match rest[..end].rfind('@') {
                Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
                None => u.to_string(),
            }
        }
        None => u.to_string(),
    }
}

/// True for 127.0.0.0/8 and ::1 written as addresses (not names: `localhost` may resolve
/// anywhere).
fn is_loopback(host: &str) -> bool {
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => false,
    }
}

impl GitCredentials {
    /// The sign-in `token` for the API at `base`: usable for git at the API's git host only.
    /// A plain-http API that is not on this computer's loopback address gives credentials
    /// that go nowhere.
    pub fn new(base: &ApiBase, token: Secret) -> GitCredentials {
        let api = base.api.trim().trim_end_matches('/');
        let web =
            if api.eq_ignore_ascii_case("https://api.github.com") { "https://github.com" } else { base.web.as_str() };
        let to = origin(web).filter(|o| {
            o.scheme == "https"
                || (is_loopback(&o.host)
                    && origin(api).is_some_and(|a| a.scheme == "http" && a.host == o.host && a.port == o.port))
        });
        GitCredentials { words: base.host(), to, token }
    }

    /// The token, when git may send it to the server at `url` (the address libgit2 names in
    /// its credentials request): same scheme, host (any letter case) and port as the signed-in
    /// host. Anything else — another host, a look-alike, a user name in the address, plain
    /// http, a folder — gets `None`.
    pub fn for_url(&self, url: &str) -> Option<&Secret> {
        let to = self.to.as_ref()?;
        (origin(url)? == *to).then_some(&self.token)
    }

    /// Checked before git connects to the remote at `url`: fine for the signed-in host and for
    /// a folder on this disk (which never gets the token); any other address — ssh included,
    /// where the sign-in does not apply — is refused with [`ForgeError::RemoteNotSignedInHost`],
    /// so nothing is sent there at all. The credentials callback still checks every request on its own
    /// ([`GitCredentials::for_url`]): a redirect can lead elsewhere.
    pub fn check_remote(&self, url: &str) -> Result<(), ForgeError> {
        if self.for_url(url).is_some() || PracticeRemote::is_local_url(url) {
            return Ok(());
        }
        Err(self.refusal(url))
    }

    /// The refusal for a request to `url`, which is not the signed-in host.
    pub fn refusal(&self, url: &str) -> ForgeError {
        let plain_http = url.trim().get(..7).is_some_and(|s| s.eq_ignore_ascii_case("http://"));
        let why = if plain_http && self.for_url(&format!("https://{}", &url.trim()[7..])).is_some() {
            OtherRemote::PlainHttp
        } else if GitCredentials::is_ssh(url) {
            OtherRemote::Ssh
        } else {
            OtherRemote::Elsewhere
        };
        ForgeError::RemoteNotSignedInHost { remote: shown(url), host: self.words.clone(), why }
    }

    /// The signed-in host in words (`github.com`, `127.0.0.1:4567`).
    pub fn host(&self) -> &str {
        &self.words
    }

    /// True when `url` is reached over ssh (`git@host:o/r.git`, `ssh://…`), where the sign-in
    /// does not apply.
    pub fn is_ssh(url: &str) -> bool {
        let u = url.trim();
        if let Some((scheme, _)) = u.split_once("://") {
            return scheme.eq_ignore_ascii_case("ssh") || scheme.eq_ignore_ascii_case("git+ssh");
        }
        // scp-like `user@host:path` (a colon before any slash).
        u.find(':').is_some_and(|c| !u[..c].contains('/') && c > 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(api: &str) -> Option<GitCredentials> {
        let c = GitCredentials::new(&ApiBase::from_api(api), Secret::new("fake-matcher-token".to_string()));
        c.to.is_some().then_some(c)
    }

    #[test]
    fn the_token_goes_only_to_the_signed_in_git_host() {
        let gh = creds("https://api.github.com").unwrap();
        assert_eq!(gh.host(), "github.com");
        let table: &[(&str, bool)] = &[
            ("https://github.com/octo/hello.git", true),
            ("https://GitHub.COM/octo/hello.git", true),
            ("https://github.com:443/octo/hello.git", true),
            ("https://github.com", true),
            ("https://github.com/octo/hello.git/info/refs?service=git-upload-pack", true),
            ("HTTPS://github.com/octo/hello", true),
            // Plain http, another port, another host.
            ("http://github.com/octo/hello.git", false),
            ("https://github.com:8443/octo/hello.git", false),
            ("https://api.github.com/octo/hello.git", false),
            ("https://gist.github.com/octo/hello.git", false),
            // Look-alikes.
            ("https://github.com.evil.net/octo/hello.git", false),
            ("https://evil.net/github.com/octo/hello.git", false),
            ("https://githubcom/octo/hello.git", false),
            ("https://github.co/octo/hello.git", false),
            ("https://github.com./octo/hello.git", false),
            ("https://xn--github-com/octo/hello.git", false),
            // User-info tricks and odd characters.
            ("https://github.com@evil.net/octo/hello.git", false),
            ("https://user@github.com/octo/hello.git", false),
            ("https://x-access-token:t@github.com/octo/hello.git", false),
            ("https://github.com%2eevil.net/octo/hello.git", false),
            ("https://github.com\\@evil.net/octo/hello.git", false),
            ("https://github.com:443@evil.net/", false),
            ("https://github.com:/octo/hello.git", false),
            ("https://github.com:0x1bb/octo/hello.git", false),
            ("https:///octo/hello.git", false),
            // Not http at all.
            ("git@github.com:octo/hello.git", false),
            ("ssh://git@github.com/octo/hello.git", false),
            ("file:///srv/practice.git", false),
            ("/srv/practice.git", false),
            ("git://github.com/octo/hello.git", false),
            ("", false),
        ];
        for (url, ok) in table {
            assert_eq!(gh.for_url(url).is_some(), *ok, "{url}");
        }
    }

    #[test]
    fn enterprise_and_the_local_stand_in() {
        let ghe = creds("https://GHE.example.org/api/v3").unwrap();
        assert_eq!(ghe.host(), "ghe.example.org");
        assert!(ghe.for_url("https://ghe.example.org/team/repo.git").is_some());
        assert!(ghe.for_url("http://ghe.example.org/team/repo.git").is_none());
        assert!(ghe.for_url("https://github.com/team/repo.git").is_none());
        assert!(ghe.for_url("https://ghe.example.org.evil.net/team/repo.git").is_none());

        // A plain-http API is only trusted on loopback, and only for that same address and port.
        let local = creds("http://127.0.0.1:4567").unwrap();
        assert!(local.for_url("http://127.0.0.1:4567/team/repo.git").is_some());
        assert!(local.for_url("http://127.0.0.1:4568/team/repo.git").is_none());
        assert!(local.for_url("http://127.0.0.2:4567/team/repo.git").is_none());
        assert!(local.for_url("http://localhost:4567/team/repo.git").is_none());
        assert!(local.for_url("https://github.com/team/repo.git").is_none());
        assert!(creds("http://[::1]:4567").unwrap().for_url("http://[::1]:4567/t/r.git").is_some());
        assert!(creds("http://ghe.example.org/api/v3").is_none(), "plain http off this computer: never");
        assert!(creds("http://localhost:4567").is_none(), "a name is not an address");
        assert!(creds("http://10.0.0.1:4567").is_none());
    }

    #[test]
    fn the_token_is_never_printed() {
        let gh = creds("https://api.github.com").unwrap();
        assert!(!format!("{gh:?}").contains("fake-matcher-token"));
    }

    #[test]
    fn other_remotes_are_refused_in_plain_words() {
        let gh = creds("https://api.github.com").unwrap();
        assert!(gh.check_remote("https://github.com/octo/hello.git").is_ok());
        assert!(gh.check_remote("/srv/practice.git").is_ok());
        assert!(gh.check_remote("file:///srv/practice.git").is_ok());
        let e = gh.check_remote("git@github.com:octo/hello.git").unwrap_err().to_string();
        assert!(e.contains("is reached over ssh") && e.contains("https://github.com/OWNER/NAME.git"), "{e}");
        let e = gh.check_remote("http://127.0.0.1:4000/team/repo.git").unwrap_err();
        assert_eq!(
            e.to_string(),
            "This project's remote (http://127.0.0.1:4000/team/repo.git) is not on GitHub (github.com), so Patchdesk did not send your GitHub sign-in there. Point the project's remote at GitHub, or sign in to that server."
        );
        assert_eq!(patchdesk_error::Coded::code(&e), patchdesk_error::Code::RemoteNotSignedInHost);
        let e = gh.check_remote("https://lead:pw@github.com.evil.net/o/r.git").unwrap_err().to_string();
        assert!(e.contains("(https://github.com.evil.net/o/r.git)") && !e.contains("pw"), "{e}");
        let e = gh.check_remote("http://github.com/octo/hello.git").unwrap_err().to_string();
        assert!(e.contains("plain http") && e.contains("https://"), "{e}");
    }

    #[test]
    fn ssh_addresses_are_told_apart() {
        assert!(GitCredentials::is_ssh("git@github.com:octo/hello.git"));
        assert!(GitCredentials::is_ssh("ssh://git@github.com/octo/hello.git"));
        assert!(!GitCredentials::is_ssh("https://github.com/octo/hello.git"));
        assert!(!GitCredentials::is_ssh("/srv/practice.git"));
        assert!(!GitCredentials::is_ssh("C:/srv/practice.git"));
    }
}
