//! A chat answer pasted instead of saved: the task it is for is the one the lead chose, else
//! the one the text names when the board has it; then it is added like a download.

use crate::{Project, ProjectError};
use patchdesk_board::Board;
use patchdesk_error::Code;
use patchdesk_intake::{InboxItem, PastePreview};
use time::OffsetDateTime;

impl Project {
    /// What Patchdesk recognises in a pasted text ("OpenAI patch, 2 files", its paths, the task
    /// it names when that task is on the board). Nothing is written.
    pub fn recognise_paste(&self, text: &[u8]) -> Result<PastePreview, ProjectError> {
        let mut preview = self.queue()?.recognise_paste(text)?;
        let board = Board::load(&self.workdir);
        if !board.tasks.is_empty() {
            preview.task_id = preview.task_id.filter(|t| board.task(t).is_some());
        }
        Ok(preview)
    }

    /// Adds a pasted chat answer to the inbox, saved like a download
    /// (`patch_<YYYYMMDD_HHMMSS>_<task>.txt`, `now` in UTC), and returns the new item. The task
    /// is `task` (it must be on the board), else the one the text names; with neither the
    /// paste is refused and the lead chooses one.
    pub fn paste_answer(
        &self,
        text: &[u8],
        task: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<InboxItem, ProjectError> {
        let task = match task.map(str::trim).filter(|t| !t.is_empty()) {
            Some(t) => {
                let board = Board::load(&self.workdir);
                if !board.tasks.is_empty() && board.task(t).is_none() {
                    return Err(ProjectError::Dropped(
                        Code::TaskNotFound,
                        format!("There is no task {t} on the board; choose the task the answer is for from the list."),
                    ));
                }
                Some(t.to_string())
            }
            // Read once more only to find the task the text names.
            None => self.recognise_paste(text)?.task_id,
        };
        Ok(self.queue()?.paste_as(text, task.as_deref(), now)?)
    }
}
