//! These tests talk to the real Secret Service. Run them through `scripts/with-keyring.sh`
//! (a private D-Bus session with an unlocked gnome-keyring); without one they fail on purpose.

use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

use patchdesk_error::{Code, Coded};
use patchdesk_secrets::{Secret, SecretsError, TokenStore};

/// A store with a prefix no other test (or real sign-in) uses.
fn store() -> TokenStore {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let prefix = format!("patchdesk-test-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
    let store = TokenStore::new(prefix);
    if let Err(e) = store.probe() {
        panic!(
            "No Secret Service is reachable, so the keyring tests cannot run. Run them as \
             `scripts/with-keyring.sh cargo test -p patchdesk-secrets` (needs the Debian packages \
             gnome-keyring and dbus). Detail: {e}"
        );
    }
    store
}

#[test]
fn store_read_delete_round_trip() {
    let s = store();
    assert_eq!(s.read("github.com", "octocat").unwrap(), None);
    s.store("github.com", "octocat", &Secret::new("fake-pat-round_trip_1")).unwrap();
    let got = s.read("github.com", "octocat").unwrap().expect("stored token");
    assert_eq!(got.expose(), "fake-pat-round_trip_1");
    assert!(s.delete("github.com", "octocat").unwrap());
    assert_eq!(s.read("github.com", "octocat").unwrap(), None);
    assert!(!s.delete("github.com", "octocat").unwrap(), "second delete finds nothing");
}

#[test]
fn storing_again_overwrites() {
    let s = store();
    s.store("github.com", "lead", &Secret::new("first")).unwrap();
    s.store("github.com", "lead", &Secret::new("second")).unwrap();
    assert_eq!(s.read("github.com", "lead").unwrap().unwrap().expose(), "second");
    // Exactly one item: after one delete nothing is left.
    assert!(s.delete("github.com", "lead").unwrap());
    assert_eq!(s.read("github.com", "lead").unwrap(), None);
}

#[test]
fn hosts_and_users_are_kept_apart() {
    let s = store();
    s.store("github.com", "lead", &Secret::new("public-token")).unwrap();
    s.store("ghe.example.org", "lead", &Secret::new("enterprise-token")).unwrap();
    s.store("github.com", "other", &Secret::new("other-token")).unwrap();
    assert_eq!(s.read("github.com", "lead").unwrap().unwrap().expose(), "public-token");
    assert_eq!(s.read("ghe.example.org", "lead").unwrap().unwrap().expose(), "enterprise-token");
    assert_eq!(s.read("github.com", "other").unwrap().unwrap().expose(), "other-token");
    assert!(s.delete("github.com", "lead").unwrap());
    assert_eq!(s.read("ghe.example.org", "lead").unwrap().unwrap().expose(), "enterprise-token");
    assert_eq!(s.read("github.com", "other").unwrap().unwrap().expose(), "other-token");
    s.delete("ghe.example.org", "lead").unwrap();
    s.delete("github.com", "other").unwrap();
}

#[test]
fn host_and_login_case_do_not_matter() {
    let s = store();
    s.store("GitHub.com", "OctoCat", &Secret::new("t1")).unwrap();
    assert_eq!(s.read("github.com", "octocat").unwrap().unwrap().expose(), "t1");
    assert!(s.delete("github.com", "octocat").unwrap());
}

#[test]
fn two_prefixes_do_not_see_each_other() {
    let a = store();
    let b = store();
    a.store("github.com", "lead", &Secret::new("from-a")).unwrap();
    assert_eq!(b.read("github.com", "lead").unwrap(), None);
    a.delete("github.com", "lead").unwrap();
}

#[test]
fn item_is_visible_to_other_secret_service_clients() {
    // Proves the token went to the real Secret Service (not an in-process mock): the
    // command-line client from libsecret-tools finds it by its attributes.
    let s = store();
    let service = s.service_name("github.com").unwrap();
    s.store("github.com", "lookup", &Secret::new("seen-by-secret-tool")).unwrap();
    let out = Command::new("secret-tool")
        .args(["lookup", "service", &service, "username", "lookup"])
        .output()
        .expect("secret-tool (Debian package libsecret-tools) must be installed");
    assert!(out.status.success(), "secret-tool failed: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "seen-by-secret-tool");
    s.delete("github.com", "lookup").unwrap();
}

#[test]
fn debug_of_a_read_secret_does_not_leak() {
    let s = store();
    s.store("github.com", "leak", &Secret::new("fake-pat-do_not_print_me")).unwrap();
    let got = s.read("github.com", "leak").unwrap();
    let printed = format!("{got:?} {}", got.as_ref().unwrap());
    assert!(!printed.contains("fake-pat-do_not_print_me"), "{printed}");
    assert!(!format!("{s:?}").contains("fake-pat-"));
    s.delete("github.com", "leak").unwrap();
}

#[test]
fn without_a_secret_service_the_error_is_keyring_unavailable() {
    // Runs the probe in a child process whose D-Bus address points nowhere (changing the
    // environment of this multi-threaded process would race with the other tests).
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_probe_without_bus", "--ignored", "--nocapture"])
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/patchdesk-no-bus")
        .env("PATCHDESK_SECRETS_CHILD", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "child failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("1 passed"), "the child test did not run:\n{stdout}");
}

#[test]
#[ignore = "run only as a child of without_a_secret_service_the_error_is_keyring_unavailable"]
fn child_probe_without_bus() {
    assert_eq!(std::env::var("PATCHDESK_SECRETS_CHILD").as_deref(), Ok("1"));
    let s = TokenStore::new("patchdesk-test-nobus");
    let err = s.probe().unwrap_err();
    assert!(matches!(err, SecretsError::KeyringUnavailable { .. }), "{err:?}");
    assert_eq!(err.code(), Code::KeyringUnavailable);
    let err = s.store("github.com", "x", &Secret::new("never-stored")).unwrap_err();
    assert_eq!(err.code(), Code::KeyringUnavailable);
    assert!(err.to_string().contains("gnome-keyring"), "{err}");
    assert!(!err.to_string().contains("never-stored"));
}
