//! A folder watched for pod downloads, everything that arrives put in the inbox (the seed's
//! planned Downloads mover, for any folder): the Downloads pickup's rounds, repeated until told
//! to stop.

use crate::downloads::{Arrived, Pickup};
use crate::Project;
use patchdesk_error::{Code, UserError};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// How often `stop` is looked at while waiting for the next round.
const STOP_CHECK: Duration = Duration::from_millis(50);

/// Watches `folder` for files modified from `since` on and puts each pod download in
/// `project`'s inbox as it lands (a patch with the sidecar and logs that come with it; logs
/// that arrive before their patch wait a while), every `every`, until `stop` is set. Each
/// round's news goes to `tell`. Refuses a `folder` that is not a folder.
pub fn watch_folder(
    project: &Project,
    folder: &Path,
    since: SystemTime,
    every: Duration,
    stop: &AtomicBool,
    mut tell: impl FnMut(&Arrived),
) -> Result<(), UserError> {
    if !folder.is_dir() {
        return Err(UserError::new(
            Code::InputInvalid,
            format!(
                "{} is not a folder on this computer; name the folder the pod's downloads land in.",
                folder.display()
            ),
        ));
    }
    let pickup = Mutex::new(Pickup::default());
    while !stop.load(Ordering::SeqCst) {
        for news in
            Pickup::round(&pickup, Some(folder.to_path_buf()), since, |paths| crate::inbox::import(project, paths))
        {
            tell(&news);
        }
        let mut waited = Duration::ZERO;
        while waited < every && !stop.load(Ordering::SeqCst) {
            std::thread::sleep(STOP_CHECK.min(every - waited));
            waited += STOP_CHECK;
        }
    }
    Ok(())
}
