//! Sign-in against the GitHub stand-in: device flow (approve, deny, expire, slow_down), a
//! pasted token, restore on start (revoked → sign in again), sign out; repository listing.
//! Needs a Secret Service: run with `scripts/with-keyring.sh cargo test -p patchdesk-forge`.

use std::sync::Arc;
use std::time::Duration;

use github_standin::{DeviceStatus, RepoSpec, Standin};
use patchdesk_error::{Code, Coded};
use patchdesk_forge::signin::{PollWait, SignIn, SignInError};
use patchdesk_forge::{list_repositories, ApiBase, ForgeError, Secret};
use patchdesk_secrets::TokenStore;
use tokio::sync::{mpsc, Semaphore};

const CLIENT_ID: &str = "Iv1.patchdesk-test";

async fn standin() -> Standin {
    let gh = Standin::start().await.expect("stand-in starts (run scripts/fetch-openapi.sh first)");
    gh.state().set_device_interval(1);
    gh
}

/// A sign-in with a keyring prefix of its own, so tests never touch a real sign-in.
fn signin(gh: &Standin, name: &str) -> SignIn {
    let store = TokenStore::new(format!("patchdesk-test-{name}-{}", std::process::id()));
    SignIn::new(ApiBase::from_api(&gh.api_url()), CLIENT_ID, store)
}

/// The device flow's waits, handed to the test: each interval the client would wait is told,
/// and the wait ends when the test says so. Nothing really sleeps.
struct Waits {
    intervals: mpsc::UnboundedReceiver<Duration>,
    go: Arc<Semaphore>,
}

impl Waits {
    /// The interval of the client's next wait (it has polled and is now waiting).
    async fn next(&mut self) -> Duration {
        tokio::time::timeout(Duration::from_secs(15), self.intervals.recv())
            .await
            .expect("the client waits")
            .expect("the client waits")
    }

    /// Ends the client's wait: it polls again.
    fn go(&self) {
        self.go.add_permits(1);
    }
}

fn waits() -> (PollWait, Waits) {
    let (tx, intervals) = mpsc::unbounded_channel();
    let go = Arc::new(Semaphore::new(0));
    let gate = go.clone();
    let wait = PollWait::new(move |d| {
        let (tx, gate) = (tx.clone(), gate.clone());
        Box::pin(async move {
            let _ = tx.send(d);
            if let Ok(permit) = gate.acquire().await {
                permit.forget();
            }
        })
    });
    (wait, Waits { intervals, go })
}

#[tokio::test]
async fn device_flow_approved_keeps_the_token_in_the_keyring() {
    let gh = standin().await;
    let (wait, mut waits) = waits();
    let s = signin(&gh, "approve").with_wait(wait);
    let code = s.start_device_flow().await.unwrap();
    assert_eq!(code.verification_uri, format!("{}/login/device", gh.web_url()));
    assert_eq!(code.interval, 1);
    assert!(!format!("{code:?}").contains(code.device_code()), "Debug shows no device code");
    let waiter = {
        let s = s.clone();
        let code = code.clone();
        tokio::spawn(async move { s.finish_device_flow(&code).await })
    };
    assert_eq!(waits.next().await, Duration::from_secs(1), "GitHub's interval");
    assert_eq!(gh.state().device_authorizations().last().unwrap().polls, 1, "the first poll comes at once");
    gh.state().approve_device(&code.user_code, "octo").unwrap();
    waits.go();
    let account = tokio::time::timeout(Duration::from_secs(15), waiter).await.unwrap().unwrap().unwrap();
    assert_eq!(account.login, "octo");
    assert_eq!(account.scopes, vec!["repo".to_string(), "read:org".to_string()]);
    // Kept in the keyring, and it works.
    let (login, token) = s.saved().unwrap().unwrap();
    assert_eq!(login, "octo");
    assert_eq!(gh.state().token_owner(token.expose()).unwrap().0, "octo");
    let (restored, _) = s.restore().await.unwrap().unwrap();
    assert_eq!(restored.login, "octo");
    // Revoked on GitHub: restore says to sign in again.
    gh.state().revoke_token(token.expose());
    let e = s.restore().await.unwrap_err();
    assert_eq!(e.code(), Code::AuthRejected);
    assert!(e.to_string().contains("Sign in to GitHub again"), "{e}");
    assert!(!e.to_string().contains(token.expose()));
    // Sign out deletes it.
    assert!(s.sign_out().unwrap());
    assert!(s.saved().unwrap().is_none());
    assert!(!s.sign_out().unwrap());
    gh.stop();
}

/// Starts signing in with a code, lets the person's side `answer` it (by its user code) at the
/// client's first wait, and returns the error the sign-in ends with.
async fn device_flow_refused(s: &SignIn, waits: &mut Waits, answer: impl FnOnce(&str)) -> SignInError {
    let code = s.start_device_flow().await.unwrap();
    let waiter = {
        let (s, code) = (s.clone(), code.clone());
        tokio::spawn(async move { s.finish_device_flow(&code).await })
    };
    assert_eq!(waits.next().await, Duration::from_secs(1));
    answer(&code.user_code);
    waits.go();
    tokio::time::timeout(Duration::from_secs(15), waiter).await.unwrap().unwrap().unwrap_err()
}

#[tokio::test]
async fn device_flow_denied_and_expired_are_plain_errors() {
    let gh = standin().await;
    let (wait, mut waits) = waits();
    let s = signin(&gh, "deny").with_wait(wait);
    let e = device_flow_refused(&s, &mut waits, |code| gh.state().deny_device(code).unwrap()).await;
    assert!(matches!(e, SignInError::Denied), "{e:?}");
    assert_eq!(e.code(), Code::SignInDenied);

    let e = device_flow_refused(&s, &mut waits, |code| gh.state().expire_device(code).unwrap()).await;
    assert!(matches!(e, SignInError::Expired), "{e:?}");
    assert_eq!(e.code(), Code::SignInExpired);
    assert!(s.saved().unwrap().is_none(), "nothing kept");
    gh.stop();
}

#[tokio::test]
async fn slow_down_adds_five_seconds_between_polls() {
    let gh = standin().await;
    let (wait, mut waits) = waits();
    let s = signin(&gh, "slow").with_wait(wait);
    let code = s.start_device_flow().await.unwrap();
    // Someone else polls with the same code first, so our first poll comes too fast.
    let crab = octocrab::Octocrab::builder()
        .base_uri(gh.web_url())
        .unwrap()
        .add_header(http::header::ACCEPT, "application/json".to_string())
        .build()
        .unwrap();
    let _ = crab
        ._post(
            format!("{}/login/oauth/access_token", gh.web_url()),
            Some(&serde_json::json!({"client_id": CLIENT_ID, "device_code": code.device_code(), "grant_type": "urn:ietf:params:oauth:grant-type:device_code"})),
        )
        .await
        .unwrap();
    let waiter = {
        let (s, code) = (s.clone(), code.clone());
        tokio::spawn(async move { s.finish_device_flow(&code).await })
    };
    // Ours came too fast: slow_down, and the client waits five seconds more than the interval.
    assert_eq!(waits.next().await, Duration::from_secs(6), "slow_down honoured");
    assert_eq!(gh.state().device_authorizations()[0].polls, 2);
    gh.state().approve_device(&code.user_code, "octo").unwrap();
    waits.go();
    let account = tokio::time::timeout(Duration::from_secs(20), waiter).await.unwrap().unwrap().unwrap();
    assert_eq!(account.login, "octo");
    assert_eq!(gh.state().device_authorizations()[0].status, DeviceStatus::Completed);
    s.sign_out().unwrap();
    gh.stop();
}

#[tokio::test]
async fn a_pasted_token_is_checked_and_kept() {
    let gh = standin().await;
    gh.state().add_user("octo", "fake-pat-pasted_token_1", &["repo"]);
    let s = signin(&gh, "paste");
    let account = s.sign_in_with_token(Secret::new("  fake-pat-pasted_token_1\n")).await.unwrap();
    assert_eq!(account.login, "octo");
    assert_eq!(account.scopes, vec!["repo".to_string()]);
    assert_eq!(s.saved().unwrap().unwrap().1.expose(), "fake-pat-pasted_token_1");
    let e = s.sign_in_with_token(Secret::new("fake-pat-wrong")).await.unwrap_err();
    assert_eq!(e.code(), Code::AuthRejected);
    assert!(matches!(e, SignInError::Forge(ForgeError::AuthRejected)));
    assert_eq!(s.saved().unwrap().unwrap().1.expose(), "fake-pat-pasted_token_1", "a refused token replaces nothing");
    s.sign_out().unwrap();
    gh.stop();
}

#[tokio::test]
async fn repositories_are_listed_across_pages_and_filtered() {
    let gh = standin().await;
    gh.state().add_user("octo", "fake-pat-list", &["repo"]);
    for i in 0..130 {
        let spec = if i % 10 == 0 {
            RepoSpec::new("octo", &format!("repo-{i:03}")).private()
        } else {
            RepoSpec::new("octo", &format!("repo-{i:03}"))
        };
        gh.state().add_repo(spec).unwrap();
    }
    gh.state().add_repo(RepoSpec::new("octo", "rtp-guide").default_branch("trunk")).unwrap();
    gh.state().add_repo(RepoSpec::new("someone", "not-mine")).unwrap();
    let base = ApiBase::from_api(&gh.api_url());
    let all = list_repositories(&base, &Secret::new("fake-pat-list"), "").await.unwrap();
    assert_eq!(all.len(), 131, "two pages of 100");
    assert!(all.iter().any(|r| r.full_name == "octo/repo-010" && r.private));
    let some = list_repositories(&base, &Secret::new("fake-pat-list"), "RTP").await.unwrap();
    assert_eq!(some.len(), 1);
    assert_eq!(some[0].default_branch, "trunk");
    let e = list_repositories(&base, &Secret::new("fake-pat-nope"), "").await.unwrap_err();
    assert_eq!(e.code(), Code::AuthRejected);
    gh.stop();
}
