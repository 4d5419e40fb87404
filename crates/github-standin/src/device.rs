//! OAuth device flow as github.com serves it: `POST /login/device/code` and
//! `POST /login/oauth/access_token`.
//!
//! These endpoints are not part of the REST description, so requests and responses are
//! checked against small schemas written here from GitHub's documentation of the device
//! flow (fields `device_code`, `user_code`, `verification_uri`, `expires_in`, `interval`;
//! `access_token`, `token_type`, `scope`; the errors `authorization_pending`, `slow_down`,
//! `expired_token`, `unsupported_grant_type`, `incorrect_client_credentials`,
//! `incorrect_device_code`, `access_denied`, `device_flow_disabled`). Like GitHub, every
//! answer of the token endpoint is status 200, errors included; the body is JSON when the
//! client accepts `application/json`, a form-encoded string otherwise.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use jsonschema::Validator;
use serde_json::{json, Map, Value};

use crate::state::{Device, DeviceAuthorization, DeviceStatus, Token, World};

const ERROR_URI: &str =
    "https://docs.github.com/developers/apps/authorizing-oauth-apps#error-codes-for-the-device-flow";
/// Polls arriving this much earlier than the interval are still accepted (network jitter).
const POLL_TOLERANCE: Duration = Duration::from_millis(250);

fn schemas() -> &'static [(&'static str, Validator); 4] {
    static SCHEMAS: OnceLock<[(&'static str, Validator); 4]> = OnceLock::new();
    SCHEMAS.get_or_init(|| {
        let compile = |v: Value| crate::openapi::compile(&v).expect("device flow schema compiles");
        [
            (
                "code-request",
                compile(json!({
                    "type": "object",
                    "required": ["client_id"],
                    "properties": {"client_id": {"type": "string", "minLength": 1}, "scope": {"type": "string"}},
                    "additionalProperties": false
                })),
            ),
            (
                "token-request",
                compile(json!({
                    "type": "object",
                    "required": ["client_id", "device_code", "grant_type"],
                    "properties": {
                        "client_id": {"type": "string", "minLength": 1},
                        "device_code": {"type": "string", "minLength": 1},
                        "grant_type": {"const": "urn:ietf:params:oauth:grant-type:device_code"}
                    },
                    "additionalProperties": false
                })),
            ),
            (
                "code-response",
                compile(json!({
                    "type": "object",
                    "required": ["device_code", "user_code", "verification_uri", "expires_in", "interval"],
                    "properties": {
                        "device_code": {"type": "string", "minLength": 40, "maxLength": 40},
                        "user_code": {"type": "string", "pattern": "^[A-Z0-9]{4}-[A-Z0-9]{4}$"},
                        "verification_uri": {"type": "string", "format": "uri"},
                        "expires_in": {"type": "integer", "minimum": 1},
                        "interval": {"type": "integer", "minimum": 1}
                    },
                    "additionalProperties": false
                })),
            ),
            (
                "token-response",
                compile(json!({
                    "oneOf": [
                        {
                            "type": "object",
                            "required": ["access_token", "token_type", "scope"],
                            "properties": {
                                "access_token": {"type": "string", "minLength": 1},
                                "token_type": {"const": "bearer"},
                                "scope": {"type": "string"}
                            },
                            "additionalProperties": false
                        },
                        {
                            "type": "object",
                            "required": ["error", "error_description", "error_uri"],
                            "properties": {
                                "error": {"enum": ["authorization_pending", "slow_down", "expired_token", "unsupported_grant_type",
                                                   "incorrect_client_credentials", "incorrect_device_code", "access_denied", "device_flow_disabled"]},
                                "error_description": {"type": "string"},
                                "error_uri": {"type": "string", "format": "uri"},
                                "interval": {"type": "integer", "minimum": 1}
                            },
                            "additionalProperties": false
                        }
                    ]
                })),
            ),
        ]
    })
}

fn check(name: &str, what: &str, value: &Value) -> Vec<String> {
    let (_, v) = schemas().iter().find(|(n, _)| *n == name).expect("known schema");
    v.iter_errors(value).map(|e| crate::openapi::describe(what, &e)).collect()
}

/// Marks pending codes whose time ran out.
pub(crate) fn expire_due(world: &mut World) {
    let now = Instant::now();
    for d in &mut world.devices {
        if matches!(d.public.status, DeviceStatus::Pending | DeviceStatus::Approved) && now >= d.expires_at {
            d.public.status = DeviceStatus::Expired;
        }
    }
}

/// The answer of a device-flow endpoint and the problems found with the exchange.
pub(crate) struct Exchange {
    pub status: u16,
    pub body: Value,
    pub problems: Vec<String>,
}

/// Parameters from the body (JSON or form-encoded) and the query string.
pub(crate) fn parameters(content_type: &str, body: &[u8], query: &str) -> Result<Map<String, Value>, String> {
    let mut out = Map::new();
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        out.insert(k.into_owned(), Value::String(v.into_owned()));
    }
    if body.is_empty() {
        return Ok(out);
    }
    if content_type.starts_with("application/json") {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(m)) => out.extend(m),
            Ok(_) => return Err("the JSON body is not an object".into()),
            Err(e) => return Err(format!("the body is not valid JSON: {e}")),
        }
    } else {
        for (k, v) in form_urlencoded::parse(body) {
            out.insert(k.into_owned(), Value::String(v.into_owned()));
        }
    }
    Ok(out)
}

fn oauth_error(code: &str, description: &str) -> Value {
    json!({"error": code, "error_description": description, "error_uri": ERROR_URI})
}

/// `POST /login/device/code`.
pub(crate) fn device_code(world: &mut World, base: &str, params: Map<String, Value>) -> Exchange {
    let request = Value::Object(params);
    let problems = check("code-request", "device code request", &request);
    let Some(client_id) = request.get("client_id").and_then(Value::as_str).filter(|c| !c.is_empty()) else {
        return Exchange {
            status: 401,
            body: oauth_error("incorrect_client_credentials", "The client_id is missing."),
            problems,
        };
    };
    let scopes: Vec<String> = request
        .get("scope")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .split([',', ' '])
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let device_code = world.random_hex(40);
    let raw = world.random_hex(8).to_uppercase();
    let user_code = format!("{}-{}", &raw[..4], &raw[4..]);
    let interval = world.device_interval.max(1);
    let expires_in = if world.device_expires_in == 0 { 900 } else { world.device_expires_in };
    world.devices.push(Device {
        device_code: device_code.clone(),
        public: DeviceAuthorization {
            user_code: user_code.clone(),
            client_id: client_id.to_string(),
            scopes,
            polls: 0,
            status: DeviceStatus::Pending,
        },
        approved_for: None,
        interval,
        expires_at: Instant::now() + Duration::from_secs(expires_in),
        last_poll: None,
    });
    let body = json!({
        "device_code": device_code,
        "user_code": user_code,
        "verification_uri": format!("{base}/login/device"),
        "expires_in": expires_in,
        "interval": interval
    });
    let mut problems = problems;
    problems.extend(check("code-response", "device code response", &body));
    Exchange { status: 200, body, problems }
}

/// `POST /login/oauth/access_token` with the device-code grant.
pub(crate) fn access_token(world: &mut World, params: Map<String, Value>) -> Exchange {
    let request = Value::Object(params);
    let mut problems = check("token-request", "access token request", &request);
    let body = token_answer(world, &request);
    problems.extend(check("token-response", "access token response", &body));
    Exchange { status: 200, body, problems }
}

fn token_answer(world: &mut World, request: &Value) -> Value {
    expire_due(world);
    let get = |k: &str| request.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
    if get("grant_type") != "urn:ietf:params:oauth:grant-type:device_code" {
        return oauth_error("unsupported_grant_type", "The grant type is not supported.");
    }
    let device_code = get("device_code");
    let Some(i) = world.devices.iter().position(|d| d.device_code == device_code) else {
        return oauth_error("incorrect_device_code", "The device_code provided is not valid.");
    };
    if world.devices[i].public.client_id != get("client_id") {
        return oauth_error("incorrect_client_credentials", "The client_id is not valid.");
    }
    let now = Instant::now();
    let d = &mut world.devices[i];
    d.public.polls += 1;
    let too_soon =
        d.last_poll.is_some_and(|t| now.duration_since(t) + POLL_TOLERANCE < Duration::from_secs(d.interval));
    d.last_poll = Some(now);
    match d.public.status {
        DeviceStatus::Expired => oauth_error("expired_token", "The device code has expired."),
        DeviceStatus::Denied => oauth_error("access_denied", "The authorization request was denied."),
        DeviceStatus::Completed => oauth_error("incorrect_device_code", "The device_code provided is not valid."),
        DeviceStatus::Pending if too_soon => {
            d.interval += 5;
            let mut v = oauth_error("slow_down", "Too many requests have been made in the same timeframe.");
            v["interval"] = json!(d.interval);
            v
        }
        DeviceStatus::Pending => oauth_error("authorization_pending", "The authorization request is still pending."),
        DeviceStatus::Approved => {
            d.public.status = DeviceStatus::Completed;
            let login = d.approved_for.clone().unwrap_or_default();
            let scopes = d.public.scopes.clone();
            let token = format!("fake-oauth-{}", world.random_hex(36));
            world.tokens.insert(token.clone(), Token { login, scopes: scopes.clone(), revoked: false });
            json!({"access_token": token, "token_type": "bearer", "scope": scopes.join(",")})
        }
    }
}

/// The body as GitHub sends it: JSON, or `a=b&c=d` for clients that do not accept JSON.
pub(crate) fn render(body: &Value, json_accepted: bool) -> (&'static str, Vec<u8>) {
    if json_accepted {
        return ("application/json; charset=utf-8", body.to_string().into_bytes());
    }
    let mut s = form_urlencoded::Serializer::new(String::new());
    if let Value::Object(m) = body {
        for (k, v) in m {
            let text = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            s.append_pair(k, &text);
        }
    }
    ("application/x-www-form-urlencoded; charset=utf-8", s.finish().into_bytes())
}
