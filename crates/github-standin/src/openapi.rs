//! Checking requests and responses against GitHub's official OpenAPI description
//! (`api.github.com.json` from the npm package `@octokit/openapi`, fetched by
//! `scripts/fetch-openapi.sh`).
//!
//! The description is OpenAPI 3.0; its schemas are turned into JSON Schema 2020-12 for the
//! `jsonschema` crate: `nullable: true` becomes a `"null"` type (or an `anyOf` with null),
//! `#/components/schemas/X` references become `#/$defs/X` with only the referenced
//! components copied in, and a `oneOf` that carries a `discriminator` becomes an `anyOf`
//! (GitHub's `oneOf: [private-user, public-user]` is meant as "pick by discriminator"; read
//! as plain JSON Schema a private user would match both branches and fail).
//! Validators are compiled lazily, only for the operations actually served, and cached.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::{Draft, Validator};
use serde_json::{Map, Value};

/// Statuses GitHub returns on any endpoint whatever the description documents for it:
/// 401 (bad or missing credentials), 403 (rate limit, missing permission), 404 (unknown or
/// hidden resource). When an operation does not document one of these, its body is
/// checked against `basic-error` instead of being reported.
const GLOBAL_ERROR_STATUSES: [u16; 3] = [401, 403, 404];

/// Path parameters whose values may contain `/` (branch names, refs, file paths).
const SLASHED_PARAMS: [&str; 4] = ["ref", "branch", "path", "basehead"];

/// Where the description is looked for.
pub(crate) fn spec_path() -> PathBuf {
    if let Some(p) = std::env::var_os("PATCHDESK_OPENAPI") {
        return PathBuf::from(p);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.cache/openapi/api.github.com.json")
}

/// The parsed description, shared by every stand-in in the process.
pub(crate) fn shared_spec() -> Result<Arc<Spec>, String> {
    static SPEC: OnceLock<Mutex<Option<Arc<Spec>>>> = OnceLock::new();
    let cell = SPEC.get_or_init(|| Mutex::new(None));
    let mut slot = cell.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(spec) = slot.as_ref() {
        return Ok(spec.clone());
    }
    let spec = Arc::new(Spec::load(&spec_path())?);
    *slot = Some(spec.clone());
    Ok(spec)
}

#[derive(Debug, Clone)]
enum Segment {
    Literal(String),
    Param(String),
}

#[derive(Debug)]
struct Route {
    method: String,
    segments: Vec<Segment>,
    /// JSON pointer of the operation object inside the document.
    pointer: String,
    operation_id: String,
}

/// An operation found for a request.
#[derive(Debug, Clone)]
pub(crate) struct Matched {
    pub operation_id: String,
    pub params: HashMap<String, String>,
    pointer: String,
}

/// GitHub's REST description with lazily compiled validators.
pub(crate) struct Spec {
    doc: Value,
    routes: Vec<Route>,
    validators: Mutex<HashMap<String, Arc<Validator>>>,
}

impl Spec {
    /// Reads and indexes the description.
    pub(crate) fn load(path: &Path) -> Result<Spec, String> {
        let text = std::fs::read(path).map_err(|e| {
            format!(
                "GitHub's OpenAPI description is missing at {} ({e}). Run scripts/fetch-openapi.sh \
                 from the repository root (or set PATCHDESK_OPENAPI to the file); the GitHub \
                 stand-in never runs without checking requests and responses against it.",
                path.display()
            )
        })?;
        let doc: Value = serde_json::from_slice(&text)
            .map_err(|e| format!("{} is not valid JSON ({e}); run scripts/fetch-openapi.sh again", path.display()))?;
        let paths = doc
            .get("paths")
            .and_then(Value::as_object)
            .ok_or_else(|| format!("{} has no `paths`; is it an OpenAPI description?", path.display()))?;
        let mut routes = Vec::new();
        for (template, item) in paths {
            let Some(item) = item.as_object() else { continue };
            for (method, op) in item {
                if !["get", "post", "put", "patch", "delete", "head"].contains(&method.as_str()) {
                    continue;
                }
                let operation_id = op.get("operationId").and_then(Value::as_str).unwrap_or_default().to_string();
                let segments = template
                    .trim_start_matches('/')
                    .split('/')
                    .map(|s| {
                        if s.starts_with('{') && s.ends_with('}') && s.len() > 2 {
                            Segment::Param(s[1..s.len() - 1].to_string())
                        } else {
                            Segment::Literal(s.to_string())
                        }
                    })
                    .collect();
                routes.push(Route {
                    method: method.to_uppercase(),

                    segments,
                    pointer: format!("/paths/{}/{}", escape_pointer(template), method),
                    operation_id,
                });
            }
        }
        Ok(Spec { doc, routes, validators: Mutex::new(HashMap::new()) })
    }

    /// The operation for `method` and the (still percent-encoded) `path`. Literal segments
    /// win over parameters; a trailing parameter may span several segments (`git/ref/{ref}`
    /// with `heads/feature/x`, `branches/{branch}` with a slash in the name).
    pub(crate) fn find(&self, method: &str, path: &str) -> Option<Matched> {
        let raw: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let mut best: Option<(usize, bool, &Route, HashMap<String, String>)> = None;
        for route in self.routes.iter().filter(|r| r.method == method) {
            let n = route.segments.len();
            // Only parameters that name refs or paths may contain slashes.
            let spans = raw.len() > n
                && matches!(route.segments.last(), Some(Segment::Param(p)) if SLASHED_PARAMS.contains(&p.as_str()));
            if raw.len() != n && !spans {
                continue;
            }
            let mut params = HashMap::new();
            let mut literals = 0;
            let mut ok = true;
            for (i, seg) in route.segments.iter().enumerate() {
                let value = if i + 1 == n && spans { raw[i..].join("/") } else { raw[i].to_string() };
                match seg {
                    Segment::Literal(l) => {
                        if *l != value {
                            ok = false;
                            break;
                        }
                        literals += 1;
                    }
                    Segment::Param(name) => {
                        let decoded = percent_decode(&value);
                        if decoded.is_empty() {
                            ok = false;
                            break;
                        }
                        params.insert(name.clone(), decoded);
                    }
                }
            }
            if !ok {
                continue;
            }
            // Prefer exact segment counts, then more literal segments.
            let better = match &best {
                None => true,
                Some((bl, bspans, _, _)) => (!spans && *bspans) || (spans == *bspans && literals > *bl),
            };
            if better {
                best = Some((literals, spans, route, params));
            }
        }
        best.map(|(_, _, route, params)| Matched {
            operation_id: route.operation_id.clone(),
            params,
            pointer: route.pointer.clone(),
        })
    }

    fn operation(&self, m: &Matched) -> &Value {
        self.doc.pointer(&m.pointer).unwrap_or(&Value::Null)
    }

    /// Follows a `$ref` to `#/components/...`.
    fn deref<'a>(&'a self, v: &'a Value) -> &'a Value {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) if r.starts_with("#/") => self.doc.pointer(&r[1..]).unwrap_or(&Value::Null),
            _ => v,
        }
    }

    fn parameters(&self, m: &Matched) -> Vec<&Value> {
        let op = self.operation(m);
        op.get("parameters")
            .and_then(Value::as_array)
            .map(|ps| ps.iter().map(|p| self.deref(p)).collect())
            .unwrap_or_default()
    }

    /// Whether the operation documents `status` (for conditional requests: 304).
    pub(crate) fn documents_status(&self, m: &Matched, status: u16) -> bool {
        self.operation(m).get("responses").and_then(|r| r.get(status.to_string())).is_some()
    }

    /// Problems with a request: path and query parameters, and the JSON body.
    pub(crate) fn check_request(&self, m: &Matched, query: &[(String, String)], body: Option<&Value>) -> Vec<String> {
        let mut problems = Vec::new();
        let params = self.parameters(m);
        for p in &params {
            let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
            let location = p.get("in").and_then(Value::as_str).unwrap_or_default();
            let required = p.get("required").and_then(Value::as_bool).unwrap_or(false);
            let schema = p.get("schema").cloned().unwrap_or(Value::Bool(true));
            let values: Vec<&str> = match location {
                "path" => m.params.get(name).map(|v| vec![v.as_str()]).unwrap_or_default(),
                "query" => query.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect(),
                _ => continue,
            };
            if values.is_empty() {
                if required {
                    problems.push(format!("required {location} parameter `{name}` is missing"));
                }
                continue;
            }
            if values.len() > 1 {
                problems.push(format!("{location} parameter `{name}` is given {} times", values.len()));
            }
            let typed = typed_parameter(values[0], &schema);
            let key = format!("{}|param|{name}", m.operation_id);
            match self.validator(&key, &schema) {
                Ok(v) => {
                    for e in v.iter_errors(&typed) {
                        problems.push(format!("{location} parameter `{name}` = {:?}: {e}", values[0]));
                    }
                }
                Err(e) => problems.push(e),
            }
        }
        for (k, _) in query {
            let known = params.iter().any(|p| {
                p.get("in").and_then(Value::as_str) == Some("query") && p.get("name").and_then(Value::as_str) == Some(k)
            });
            if !known {
                problems.push(format!("query parameter `{k}` is not defined for {}", m.operation_id));
            }
        }
        let request_body = self.operation(m).get("requestBody").map(|b| self.deref(b));
        match (request_body, body) {
            (None, Some(_)) => problems.push(format!("{} takes no request body", m.operation_id)),
            (Some(rb), None) => {
                if rb.get("required").and_then(Value::as_bool).unwrap_or(false) {
                    problems.push("the request body is required".to_string());
                }
            }
            (Some(rb), Some(body)) => match rb.pointer("/content/application~1json/schema") {
                None => problems.push("the operation takes no application/json body".to_string()),
                Some(schema) => {
                    let key = format!("{}|request", m.operation_id);
                    match self.validator(&key, schema) {
                        Ok(v) => problems.extend(v.iter_errors(body).map(|e| describe("request body", &e))),
                        Err(e) => problems.push(e),
                    }
                }
            },
            (None, None) => {}
        }
        problems
    }

    /// Problems with a response: the status must be documented, the body must match its
    /// `application/json` schema (or be empty when none is documented).
    pub(crate) fn check_response(&self, m: &Matched, status: u16, body: Option<&Value>) -> Vec<String> {
        let responses = self.operation(m).get("responses");
        let documented = responses.and_then(|r| r.get(status.to_string())).map(|r| self.deref(r));
        let (schema_owner, key) = match documented {
            Some(resp) => {
                (resp.pointer("/content/application~1json/schema"), format!("{}|response|{status}", m.operation_id))
            }
            None if GLOBAL_ERROR_STATUSES.contains(&status) => {
                (self.doc.pointer("/components/schemas/basic-error"), "global|basic-error".to_string())
            }
            None => return vec![format!("status {status} is not documented for {}", m.operation_id)],
        };
        match (schema_owner, body) {
            (None, None) => Vec::new(),
            // GitHub sends its usual error object even where the description documents an
            // error status without content (for example 422 of pulls/request-reviewers).
            (None, Some(body)) if status >= 400 => match self
                .validator("global|basic-error", &serde_json::json!({"$ref": "#/components/schemas/basic-error"}))
            {
                Ok(v) => v.iter_errors(body).map(|e| describe("response body", &e)).collect(),
                Err(e) => vec![e],
            },
            (None, Some(_)) => {
                vec![format!("status {status} of {} documents no JSON body, but one was sent", m.operation_id)]
            }
            (Some(_), None) => vec![format!("status {status} of {} needs a JSON body, none was sent", m.operation_id)],
            (Some(schema), Some(body)) => {
                let schema = if key == "global|basic-error" {
                    serde_json::json!({"$ref": "#/components/schemas/basic-error"})
                } else {
                    schema.clone()
                };
                match self.validator(&key, &schema) {
                    Ok(v) => v.iter_errors(body).map(|e| describe("response body", &e)).collect(),
                    Err(e) => vec![e],
                }
            }
        }
    }

    fn validator(&self, key: &str, schema: &Value) -> Result<Arc<Validator>, String> {
        if let Some(v) = self.validators.lock().unwrap_or_else(|p| p.into_inner()).get(key) {
            return Ok(v.clone());
        }
        let converted = self.to_json_schema(schema);
        let v = Arc::new(compile(&converted).map_err(|e| format!("cannot compile the schema for {key}: {e}"))?);
        self.validators.lock().unwrap_or_else(|p| p.into_inner()).insert(key.to_string(), v.clone());
        Ok(v)
    }

    /// A self-contained JSON Schema: the converted root plus the components it reaches.
    fn to_json_schema(&self, schema: &Value) -> Value {
        let mut defs = BTreeMap::new();
        let mut pending = Vec::new();
        let root = convert(schema, &mut pending);
        while let Some(name) = pending.pop() {
            if defs.contains_key(&name) {
                continue;
            }
            let source = self
                .doc
                .pointer(&format!("/components/schemas/{}", escape_pointer(&name)))
                .cloned()
                .unwrap_or(Value::Bool(false));
            defs.insert(name.clone(), Value::Null);
            let converted = convert(&source, &mut pending);
            defs.insert(name, converted);
        }
        let mut out = match root {
            Value::Object(map) => map,
            other => {
                let mut m = Map::new();
                m.insert("allOf".into(), Value::Array(vec![other]));
                m
            }
        };
        out.insert("$schema".into(), Value::String("https://json-schema.org/draft/2020-12/schema".into()));
        out.insert("$defs".into(), Value::Object(defs.into_iter().collect()));
        Value::Object(out)
    }
}

/// Compiles a JSON Schema 2020-12 document with format checks on.
pub(crate) fn compile(schema: &Value) -> Result<Validator, String> {
    jsonschema::options()
        .with_draft(Draft::Draft202012)
        .should_validate_formats(true)
        .build(schema)
        .map_err(|e| e.to_string())
}

pub(crate) fn describe(what: &str, e: &jsonschema::ValidationError<'_>) -> String {
    let at = e.instance_path.to_string();
    let at = if at.is_empty() { "top level".to_string() } else { at };
    format!("{what} at {at}: {e}")
}

/// OpenAPI 3.0 schema object → JSON Schema 2020-12 (see the module documentation).
fn convert(node: &Value, pending: &mut Vec<String>) -> Value {
    let Value::Object(map) = node else { return node.clone() };
    let mut out = Map::new();
    let has_discriminator = map.contains_key("discriminator");
    for (k, v) in map {
        match k.as_str() {
            "$ref" => {
                let r = v.as_str().unwrap_or_default();
                let name = r.strip_prefix("#/components/schemas/").unwrap_or(r);
                pending.push(name.to_string());
                out.insert("$ref".into(), Value::String(format!("#/$defs/{}", escape_pointer(name))));
            }
            "properties" | "patternProperties" => {
                let props = v
                    .as_object()
                    .map(|m| m.iter().map(|(pk, pv)| (pk.clone(), convert(pv, pending))).collect())
                    .unwrap_or_default();
                out.insert(k.clone(), Value::Object(props));
            }
            "items" | "additionalProperties" | "not" => {
                out.insert(k.clone(), convert(v, pending));
            }
            "allOf" | "anyOf" | "oneOf" => {
                let list = v.as_array().map(|a| a.iter().map(|s| convert(s, pending)).collect()).unwrap_or_default();
                let key = if k == "oneOf" && has_discriminator { "anyOf".to_string() } else { k.clone() };
                out.insert(key, Value::Array(list));
            }
            "nullable" | "discriminator" | "example" | "examples" | "description" | "title" | "externalDocs"
            | "xml" | "readOnly" | "writeOnly" | "deprecated" => {}
            other if other.starts_with("x-") => {}
            _ => {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    if map.get("nullable").and_then(Value::as_bool) == Some(true) {
        match out.get("type").cloned() {
            Some(Value::String(t)) => {
                out.insert("type".into(), Value::Array(vec![Value::String(t), Value::String("null".into())]));
                if let Some(Value::Array(values)) = out.get_mut("enum") {
                    if !values.contains(&Value::Null) {
                        values.push(Value::Null);
                    }
                }
            }
            _ => {
                let inner = Value::Object(out);
                let mut wrapped = Map::new();
                wrapped.insert("anyOf".into(), Value::Array(vec![inner, serde_json::json!({"type": "null"})]));
                return Value::Object(wrapped);
            }
        }
    }
    Value::Object(out)
}

/// A query or path value typed as its schema says (`"30"` → 30 for an integer).
fn typed_parameter(raw: &str, schema: &Value) -> Value {
    let ty = schema.get("type").and_then(Value::as_str).unwrap_or("string");
    match ty {
        "integer" => raw.parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::String(raw.into())),
        "number" => raw.parse::<f64>().map(Value::from).unwrap_or_else(|_| Value::String(raw.into())),
        "boolean" => match raw {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::String(raw.into()),
        },
        "array" => {
            let item = schema.get("items").cloned().unwrap_or(Value::Bool(true));
            Value::Array(raw.split(',').map(|s| typed_parameter(s, &item)).collect())
        }
        _ => Value::String(raw.into()),
    }
}

fn escape_pointer(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// Decodes `%XX` escapes (invalid escapes are kept as written).
pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nullable_becomes_a_null_type() {
        let mut pending = Vec::new();
        let s = convert(&json!({"type": "string", "nullable": true, "enum": ["a"]}), &mut pending);
        assert_eq!(s, json!({"type": ["string", "null"], "enum": ["a", null]}));
        let s = convert(&json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/x"}]}), &mut pending);
        assert_eq!(s, json!({"anyOf": [{"allOf": [{"$ref": "#/$defs/x"}]}, {"type": "null"}]}));
        assert_eq!(pending, vec!["x".to_string()]);
    }

    #[test]
    fn parameters_are_typed_by_schema() {
        assert_eq!(typed_parameter("30", &json!({"type": "integer"})), json!(30));
        assert_eq!(typed_parameter("x", &json!({"type": "integer"})), json!("x"));
        assert_eq!(typed_parameter("true", &json!({"type": "boolean"})), json!(true));
        assert_eq!(typed_parameter("a,b", &json!({"type": "array", "items": {"type": "string"}})), json!(["a", "b"]));
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("chatgpt%2Fdev%2Ff4.3"), "chatgpt/dev/f4.3");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("a%zzb"), "a%zzb");
    }
}
