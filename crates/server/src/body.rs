//! Request bodies: read up to the server's limit (413 past it), then JSON that must fit the
//! route's shape (422 with a sentence when it does not).

use crate::{ApiError, App};
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use patchdesk_error::{Code, UserError};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::sync::Arc;

/// What every refusal looks like: the error code (the same list the app uses) and one sentence.
#[derive(Debug, Clone, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// A stable code (`token_invalid`, `input_invalid`, `file_changed`, `unsafe_path`…).
    pub code: String,
    /// What went wrong and what to do next, in one sentence.
    pub message: String,
}

/// A JSON body of type `T`, read within the server's limit.
pub(crate) struct JsonBody<T>(pub T);

impl<T: DeserializeOwned> FromRequest<Arc<App>> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, app: &Arc<App>) -> Result<Self, Self::Rejection> {
        let too_large = || {
            ApiError(
                StatusCode::PAYLOAD_TOO_LARGE,
                UserError::new(
                    Code::InputTooLarge,
                    format!(
                        "The request is larger than the {} the pod API takes in one request; send a smaller change (or ask the lead to raise --max-body).",
                        human(app.max_body)
                    ),
                ),
            )
        };
        let declared = req
            .headers()
            .get(axum::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > app.max_body as u64) {
            return Err(too_large());
        }
        let bytes = match Bytes::from_request(req, app).await {
            Ok(b) => b,
            Err(r) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
            Err(r) => {
                return Err(ApiError(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    UserError::new(
                        Code::InputInvalid,
                        format!("The request body could not be read ({}); send it again.", r.body_text()),
                    ),
                ))
            }
        };
        serde_json::from_slice(&bytes).map(JsonBody).map_err(|e| {
            let what = if e.is_syntax() || e.is_eof() { "is not JSON" } else { "does not fit this request" };
            ApiError(
                StatusCode::UNPROCESSABLE_ENTITY,
                UserError::new(
                    Code::InputInvalid,
                    format!(
                        "The request body {what}: {e}. Send the JSON object the API document describes for this route."
                    ),
                ),
            )
        })
    }
}

fn human(bytes: usize) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MB", bytes >> 20)
    } else if bytes >= 1 << 10 {
        format!("{} KB", bytes >> 10)
    } else {
        format!("{bytes} bytes")
    }
}
