//! OAuth device flow as on github.com, driven by octocrab's `authenticate_as_device` and
//! `poll_until_available`, plus raw polls for the error codes octocrab does not type.

use std::time::Duration;

use axum::http;
use github_standin::{DeviceStatus, Standin};
use octocrab::secrecy::SecretString;
use serde_json::Value;

const CLIENT_ID: &str = "Iv1.patchdesk-test";

async fn standin() -> Standin {
    let gh = Standin::start().await.expect("stand-in starts (run scripts/fetch-openapi.sh first)");
    gh.state().add_user("octo", "fake-pat-existing", &["repo"]);
    gh.state().set_device_interval(1);
    gh
}

/// A client for the web side, as octocrab's documentation asks for github.com.
fn web_client(gh: &Standin, accept_json: bool) -> octocrab::Octocrab {
    let mut b = octocrab::Octocrab::builder().base_uri(gh.web_url()).unwrap();
    if accept_json {
        b = b.add_header(http::header::ACCEPT, "application/json".to_string());
    }
    b.build().unwrap()
}

async fn wait_for_poll(gh: &Standin, polls: u32) {
    for _ in 0..200 {
        if gh.state().device_authorizations().first().is_some_and(|d| d.polls >= polls) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the client never polled");
}

/// One raw poll; returns the body text.
async fn poll_raw(gh: &Standin, crab: &octocrab::Octocrab, device_code: &str) -> String {
    let body = serde_json::json!({
        "client_id": CLIENT_ID,
        "device_code": device_code,
        "grant_type": "urn:ietf:params:oauth:grant-type:device_code"
    });
    let resp = crab._post(format!("{}/login/oauth/access_token", gh.web_url()), Some(&body)).await.unwrap();
    assert_eq!(resp.status().as_u16(), 200, "GitHub answers device-flow errors with 200");
    crab.body_to_string(resp).await.unwrap()
}

/// [`poll_raw`]'s answer, read as JSON.
async fn poll_json(gh: &Standin, crab: &octocrab::Octocrab, device_code: &str) -> Value {
    serde_json::from_str(&poll_raw(gh, crab, device_code).await).unwrap()
}

#[tokio::test]
async fn approved_device_code_gives_a_working_token() {
    let gh = standin().await;
    let crab = web_client(&gh, true);
    let client_id = SecretString::from(CLIENT_ID);
    let codes = crab.authenticate_as_device(&client_id, ["repo", "read:org"]).await.unwrap();
    assert_eq!(codes.interval, 1);
    assert_eq!(codes.verification_uri, format!("{}/login/device", gh.web_url()));
    assert_eq!(codes.user_code.len(), 9);
    assert_eq!(codes.user_code.as_bytes()[4], b'-');
    let page = crab._get(codes.verification_uri.clone()).await.unwrap();
    assert_eq!(page.status().as_u16(), 200, "the verification page exists");
    let poller = {
        let crab = crab.clone();
        let codes = codes.clone();
        let client_id = client_id.clone();
        tokio::spawn(async move { codes.poll_until_available(&crab, &client_id).await })
    };
    wait_for_poll(&gh, 1).await;
    assert_eq!(gh.state().device_authorizations()[0].status, DeviceStatus::Pending);
    gh.state().approve_device(&codes.user_code, "octo").unwrap();
    let auth = tokio::time::timeout(Duration::from_secs(10), poller).await.unwrap().unwrap().unwrap();
    use octocrab::secrecy::ExposeSecret;
    let token = auth.access_token.expose_secret().to_string();
    assert!(token.starts_with("fake-oauth-"));
    assert_eq!(auth.scope, ["repo", "read:org"]);
    assert_eq!(
        gh.state().token_owner(&token),
        Some(("octo".to_string(), vec!["repo".to_string(), "read:org".to_string()]))
    );
    let d = &gh.state().device_authorizations()[0];
    assert_eq!(d.status, DeviceStatus::Completed);
    assert!(d.polls >= 2, "pending at least once, then the token");

    // The new token works on the REST API.
    let api = octocrab::Octocrab::builder().base_uri(gh.api_url()).unwrap().personal_token(token).build().unwrap();
    assert_eq!(api.current().user().await.unwrap().login, "octo");
    // The code is used up.
    assert!(poll_raw(&gh, &crab, "0000000000000000000000000000000000000000").await.contains("incorrect_device_code"));
    gh.stop();
}

#[tokio::test]
async fn denied_device_code_ends_polling_with_access_denied() {
    let gh = standin().await;
    let crab = web_client(&gh, true);
    let client_id = SecretString::from(CLIENT_ID);
    let codes = crab.authenticate_as_device(&client_id, ["repo"]).await.unwrap();
    let poller = {
        let crab = crab.clone();
        let codes = codes.clone();
        let client_id = client_id.clone();
        tokio::spawn(async move { codes.poll_until_available(&crab, &client_id).await })
    };
    wait_for_poll(&gh, 1).await;
    gh.state().deny_device(&codes.user_code).unwrap();
    // octocrab has no typed variant for access_denied: it surfaces as an error.
    let result = tokio::time::timeout(Duration::from_secs(10), poller).await.unwrap().unwrap();
    assert!(result.is_err());
    assert_eq!(gh.state().device_authorizations()[0].status, DeviceStatus::Denied);
    let body = poll_json(&gh, &crab, &codes.device_code).await;
    assert_eq!(body["error"], "access_denied");
    gh.stop();
}

#[tokio::test]
async fn polling_too_fast_slows_down_and_codes_expire() {
    let gh = standin().await;
    let crab = web_client(&gh, true);
    let codes = crab.authenticate_as_device(&SecretString::from(CLIENT_ID), ["repo"]).await.unwrap();
    let first = poll_json(&gh, &crab, &codes.device_code).await;
    assert_eq!(first["error"], "authorization_pending");
    let second = poll_json(&gh, &crab, &codes.device_code).await;
    assert_eq!(second["error"], "slow_down");
    assert_eq!(second["interval"], 6, "interval + 5 seconds");
    gh.state().expire_device(&codes.user_code).unwrap();
    let third = poll_json(&gh, &crab, &codes.device_code).await;
    assert_eq!(third["error"], "expired_token");
    assert!(gh.state().approve_device(&codes.user_code, "octo").is_err(), "an expired code cannot be approved");

    // Codes also run out by time.
    gh.state().set_device_expiry(1);
    let short = crab.authenticate_as_device(&SecretString::from(CLIENT_ID), ["repo"]).await.unwrap();
    assert_eq!(short.expires_in, 1);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let late = poll_json(&gh, &crab, &short.device_code).await;
    assert_eq!(late["error"], "expired_token");
    gh.stop();
}

#[tokio::test]
async fn without_json_accept_the_answer_is_form_encoded() {
    let gh = standin().await;
    let crab = web_client(&gh, false);
    let resp = crab
        ._post(
            format!("{}/login/device/code", gh.web_url()),
            Some(&serde_json::json!({"client_id": CLIENT_ID, "scope": "repo"})),
        )
        .await
        .unwrap();
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("application/x-www-form-urlencoded"));
    let text = crab.body_to_string(resp).await.unwrap();
    let pairs: std::collections::HashMap<String, String> =
        form_urlencoded::parse(text.as_bytes()).into_owned().collect();
    assert_eq!(pairs["interval"], "1");
    assert_eq!(pairs["device_code"].len(), 40);
    gh.stop();
}

#[tokio::test]
async fn a_malformed_device_request_is_a_violation() {
    let gh = standin().await;
    let crab = web_client(&gh, true);
    let body = serde_json::json!({"client_id": CLIENT_ID, "device_code": "x", "grant_type": "password"});
    let resp = crab._post(format!("{}/login/oauth/access_token", gh.web_url()), Some(&body)).await.unwrap();
    let text = crab.body_to_string(resp).await.unwrap();
    assert!(text.contains("unsupported_grant_type"), "{text}");
    let v = gh.take_violations();
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(v[0].problem.contains("grant_type"), "{}", v[0]);
    gh.stop();
}
