//! Commands grouped by domain. Each is a few lines: state in, core call, `{code, message}` out.

pub mod board;
pub mod choose;
pub mod downloads;
pub mod github;
pub mod help;
pub mod inbox;
pub mod links;
pub mod project;
pub mod promote;
pub mod review;
pub mod undo;
pub mod window;

/// Runs `work` off the window's thread (which draws the window: a command that reads git or
/// the network there would freeze it), saying `what` stopped if the work itself panicked.
pub(crate) async fn blocking<T: Send + 'static>(
    what: &'static str,
    work: impl FnOnce() -> Result<T, patchdesk_error::UserError> + Send + 'static,
) -> Result<T, patchdesk_error::UserError> {
    let done = tauri::async_runtime::spawn_blocking(work).await;
    crate::memory::settle();
    done.map_err(|e| {
        patchdesk_error::UserError::new(patchdesk_error::Code::Internal, format!("{what} stopped unexpectedly: {e}"))
    })?
}
