//! The practice remote: a bare git repository on this disk, used as `origin`, that takes
//! review requests the way GitHub takes pull requests.
//!
//! Layout inside the bare repository:
//!
//! ```text
//! refs/reviews/<n>                   the commit the branch pointed at when request n was opened
//! patchdesk-reviews/<n>.json         {number, title, body, branch, base, draft, state, created_at,
//!                                     merged_at?, closed_at?}
//! ```
//!
//! The JSON file is the record (title, body, branch, base); the ref keeps the reviewed commit
//! reachable even if the branch is deleted. A request is listed as `merged` once its branch
//! tip is contained in the base branch (or its record says `merged`), `closed` when its record
//! says so, else `open`. [`PracticeRemote::merge_review`] and [`PracticeRemote::close_review`]
//! play the reviewer's part (the demo, and tests), and [`PracticeRemote::submit_review`] is the
//! practice reviewer's approval or request for changes (kept in the record's `reviews` and
//! `comments`, with Patchdesk's own comments).
//! Numbers start at 1; a lock file (`patchdesk-reviews/.lock`) keeps two writers apart.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use patchdesk_clock::{Clock, SystemClock};

use serde::{Deserialize, Serialize};

use crate::feedback::{is_patchdesk_comment, PATCHDESK_MARK};
use crate::{
    Checks, Feedback, Forge, ForgeError, ForgeKind, MergeCommit, MergeMethod, NewReview, ReviewComment, ReviewPoll,
    ReviewRequest, ReviewState, ReviewVerdict, Verdict,
};

const DIR: &str = "patchdesk-reviews";

/// Who the practice remote's reviews are from.
pub const PRACTICE_REVIEWER: &str = "practice reviewer";

/// A bare repository on disk as a [`Forge`].
#[derive(Debug, Clone)]
pub struct PracticeRemote {
    git_dir: PathBuf,
    /// Stamps review requests when they are opened, merged or closed.
    clock: Arc<dyn Clock>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Record {
    number: u64,
    title: String,
    body: String,
    branch: String,
    base: String,
    #[serde(default)]
    draft: bool,
    state: String,
    created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    merged_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    closed_at: Option<String>,
    /// The merge commit [`PracticeRemote::merge_review`] made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    merge_commit: Option<String>,
    /// The practice reviewer's reviews, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    reviews: Vec<ReviewVerdict>,
    /// Every comment (the reviewer's, on a line or on the request, and Patchdesk's own), oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    comments: Vec<ReviewComment>,
}

impl PracticeRemote {
    /// The bare repository at `path` (a folder path or a `file://` URL).
    pub fn open(path: &str) -> Result<PracticeRemote, ForgeError> {
        let p = path.strip_prefix("file://").unwrap_or(path);
        let git_dir = PathBuf::from(p);
        let repo =
            git2::Repository::open_bare(&git_dir).map_err(|_| ForgeError::RepoNotFound { repo: p.to_string() })?;
        drop(repo);
        Ok(PracticeRemote { git_dir, clock: Arc::new(SystemClock) })
    }

    /// The same remote, stamping review requests with `clock`'s time.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> PracticeRemote {
        self.clock = clock;
        self
    }

    /// Now, as review requests are stamped.
    fn stamp(&self) -> String {
        patchdesk_clock::rfc3339_seconds(self.clock.now())
    }

    /// True when a remote URL names a repository on this disk rather than a server: a
    /// `file://` URL, an absolute or `./`/`../` path, or a Windows drive path (`C:\x`, `C:/x`).
    /// `host:path` (git's short form for a server over SSH) is not local, even with a
    /// one-letter host. The one test of "practice remote or server" for every crate.
    pub fn is_local_url(url: &str) -> bool {
        let u = url.trim();
        let b = u.as_bytes();
        let drive = b.len() > 2 && b[0].is_ascii_alphabetic() && b[1] == b':' && matches!(b[2], b'/' | b'\\');
        u.starts_with("file://") || u.starts_with('/') || u.starts_with("./") || u.starts_with("../") || drive
    }

    /// The bare repository's folder.
    pub fn git_dir(&self) -> &Path {
        &self.git_dir
    }

    fn repo(&self) -> Result<git2::Repository, ForgeError> {
        git2::Repository::open_bare(&self.git_dir)
            .map_err(|_| ForgeError::RepoNotFound { repo: self.git_dir.display().to_string() })
    }

    fn dir(&self) -> PathBuf {
        self.git_dir.join(DIR)
    }

    fn records(&self) -> Result<Vec<Record>, ForgeError> {
        let dir = self.dir();
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io_err(&dir, e)),
        };
        let mut out = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !name.ends_with(".json") || name.starts_with('.') {
                continue;
            }
            let bytes = fs::read(entry.path()).map_err(|e| io_err(&entry.path(), e))?;
            if let Ok(r) = serde_json::from_slice::<Record>(&bytes) {
                out.push(r);
            }
        }
        out.sort_by_key(|r| r.number);
        Ok(out)
    }

    fn to_request(&self, repo: &git2::Repository, r: &Record) -> ReviewRequest {
        let tip = |b: &str| repo.find_reference(&format!("refs/heads/{b}")).ok().and_then(|x| x.target());
        let reviewed = repo.find_reference(&format!("refs/reviews/{}", r.number)).ok().and_then(|x| x.target());
        let head = tip(&r.branch).or(reviewed);
        let merged = match (head, tip(&r.base)) {
            (Some(h), Some(b)) => h == b || repo.graph_descendant_of(b, h).unwrap_or(false),
            _ => false,
        };
        let state = if r.state == "closed" {
            ReviewState::Closed
        } else if merged || r.state == "merged" {
            ReviewState::Merged
        } else {
            ReviewState::Open
        };
        ReviewRequest {
            number: r.number,
            title: r.title.clone(),
            body: r.body.clone(),
            branch: r.branch.clone(),
            base: r.base.clone(),
            state,
            url: format!("{}#review-{}", self.git_dir.display(), r.number),
            draft: r.draft,
        }
    }

    fn lock(&self) -> Result<Lock, ForgeError> {
        let dir = self.dir();
        fs::create_dir_all(&dir).map_err(|e| io_err(&dir, e))?;
        let path = dir.join(".lock");
        for _ in 0..250 {
            match fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(_) => return Ok(Lock(path)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    // A lock left by a process that died long ago is stale.
                    let stale = fs::metadata(&path)
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| t.elapsed().ok())
                        .is_some_and(|d| d.as_secs() > 30);
                    if stale {
                        if let Err(e) = fs::remove_file(&path) {
                            tracing::warn!(file = %path.display(), error = %e, "a stale lock of the practice remote could not be removed");
                        }
                    } else {
                        std::thread::sleep(std::time::Duration::from_millis(20));
                    }
                }
                Err(e) => return Err(io_err(&path, e)),
            }
        }
        Err(ForgeError::Unexpected(format!(
            "the practice remote at {} is busy; try again in a moment",
            self.git_dir.display()
        )))
    }

    fn record(&self, number: u64) -> Result<Record, ForgeError> {
        self.records()?
            .into_iter()
            .find(|r| r.number == number)
            .ok_or_else(|| ForgeError::ReviewNotFound { number, repo: self.git_dir.display().to_string() })
    }

    /// Marks request `number` closed (as closing a pull request without merging).
    pub fn close_review(&self, number: u64) -> Result<(), ForgeError> {
        let _lock = self.lock()?;
        let mut rec = self.record(number)?;
        if rec.state == "closed" {
            return Ok(());
        }
        rec.state = "closed".into();
        rec.closed_at = Some(self.stamp());
        self.write_record(&rec)
    }

    /// Merges request `number` like GitHub's merge button: a merge commit of its branch into
    /// its base, made in the bare repository (the base branch moves), and the record marked
    /// merged. Refuses a request that is not open, and one whose branch conflicts with the
    /// base (nothing changes then). Returns the merge commit.
    pub fn merge_review(&self, number: u64) -> Result<String, ForgeError> {
        let _lock = self.lock()?;
        let repo = self.repo()?;
        let mut rec = self.record(number)?;
        let state = self.to_request(&repo, &rec).state;
        if state != ReviewState::Open {
            return Err(ForgeError::Invalid {
                detail: format!("review request #{number} is {} already, so it cannot be merged", state_word(state)),
            });
        }
        let git = |e: git2::Error| {
            ForgeError::Unexpected(format!("git could not merge review request #{number}: {}", e.message()))
        };
        let head = repo
            .find_reference(&format!("refs/heads/{}", rec.branch))
            .or_else(|_| repo.find_reference(&format!("refs/reviews/{number}")))
            .and_then(|r| r.peel_to_commit())
            .map_err(git)?;
        let mut base_ref = repo.find_reference(&format!("refs/heads/{}", rec.base)).map_err(git)?;
        let base = base_ref.peel_to_commit().map_err(git)?;
        let mut index = repo.merge_commits(&base, &head, None).map_err(git)?;
        if index.has_conflicts() {
            return Err(ForgeError::Invalid {
                detail: format!("review request #{number} conflicts with {}; nothing was merged", rec.base),
            });
        }
        let tree = repo.find_tree(index.write_tree_to(&repo).map_err(git)?).map_err(git)?;
        let sig =
            repo.signature().or_else(|_| git2::Signature::now("Patchdesk", "patchdesk@localhost")).map_err(git)?;
        let message = format!("Merge review request #{number} from {}\n\n{}\n", rec.branch, rec.title);
        let merge = repo.commit(None, &sig, &sig, &message, &tree, &[&base, &head]).map_err(git)?;
        base_ref.set_target(merge, "patchdesk: merge review request").map_err(git)?;
        let now = self.stamp();
        rec.state = "merged".into();
        rec.merged_at = Some(now.clone());
        rec.closed_at = Some(now);
        rec.merge_commit = Some(merge.to_string());
        self.write_record(&rec)?;
        Ok(merge.to_string())
    }

    /// The practice reviewer's review of request `number`: `verdict` with `text`; with `on_line`
    /// (a file and a line of it) the text is a comment on that line. Only an open request takes
    /// a review.
    pub fn submit_review(
        &self,
        number: u64,
        verdict: Verdict,
        text: &str,
        on_line: Option<(&str, u32)>,
    ) -> Result<(), ForgeError> {
        let _lock = self.lock()?;
        let repo = self.repo()?;
        let mut rec = self.record(number)?;
        let state = self.to_request(&repo, &rec).state;
        if state != ReviewState::Open {
            return Err(ForgeError::Invalid {
                detail: format!("review request #{number} is {} already, so it takes no review", state_word(state)),
            });
        }
        let at = Some(self.stamp());
        let text = text.trim();
        rec.reviews.push(ReviewVerdict {
            reviewer: PRACTICE_REVIEWER.into(),
            verdict,
            body: if on_line.is_some() { String::new() } else { text.to_string() },
            at: at.clone(),
        });
        if !text.is_empty() {
            rec.comments.push(ReviewComment {
                author: PRACTICE_REVIEWER.into(),
                body: text.to_string(),
                path: on_line.map(|(p, _)| p.to_string()),
                line: on_line.map(|(_, l)| l),
                at,
            });
        }
        self.write_record(&rec)
    }

    fn write_record(&self, rec: &Record) -> Result<(), ForgeError> {
        let path = self.dir().join(format!("{}.json", rec.number));
        let bytes = serde_json::to_vec_pretty(rec).map_err(|e| ForgeError::Unexpected(e.to_string()))?;
        patchdesk_disk::replace_at(&path, &bytes)
            .map_err(|e| ForgeError::Unexpected(format!("Could not read or write {}: {e}", path.display())))
    }
}

fn state_word(state: ReviewState) -> &'static str {
    match state {
        ReviewState::Open => "open",
        ReviewState::Merged => "merged",
        ReviewState::Closed => "closed",
    }
}

struct Lock(PathBuf);

impl Drop for Lock {
    fn drop(&mut self) {
        if let Err(e) = fs::remove_file(&self.0) {
            tracing::warn!(file = %self.0.display(), error = %e, "the practice remote's lock could not be removed");
        }
    }
}

fn io_err(path: &Path, e: std::io::Error) -> ForgeError {
    ForgeError::Unexpected(format!("Could not read or write {}: {e}", path.display()))
}

impl Forge for PracticeRemote {
    fn kind(&self) -> ForgeKind {
        ForgeKind::Practice
    }

    fn describe(&self) -> String {
        format!("the practice remote at {}", self.git_dir.display())
    }

    fn git_credentials(&self) -> Option<&crate::GitCredentials> {
        None
    }

    fn default_branch(&self) -> Result<String, ForgeError> {
        let repo = self.repo()?;
        let head = repo.find_reference("HEAD").map_err(|e| ForgeError::Unexpected(e.message().to_string()))?;
        let target = head.symbolic_target().ok().flatten().unwrap_or("refs/heads/main").to_string();
        Ok(target.strip_prefix("refs/heads/").unwrap_or(&target).to_string())
    }

    fn open_review(&self, new: &NewReview) -> Result<ReviewRequest, ForgeError> {
        let _lock = self.lock()?;
        let repo = self.repo()?;
        let records = self.records()?;
        if records.iter().any(|r| {
            r.branch == new.branch && r.base == new.base && self.to_request(&repo, r).state == ReviewState::Open
        }) {
            return Err(ForgeError::ReviewExists { branch: new.branch.clone() });
        }
        let tip = |b: &str| repo.find_reference(&format!("refs/heads/{b}")).ok().and_then(|x| x.target());
        let (Some(head), Some(base)) = (tip(&new.branch), tip(&new.base)) else {
            return Err(ForgeError::Invalid {
                detail: format!("the branch {} or {} is not on the practice remote", new.branch, new.base),
            });
        };
        let (ahead, _) =
            repo.graph_ahead_behind(head, base).map_err(|e| ForgeError::Unexpected(e.message().to_string()))?;
        if ahead == 0 {
            return Err(ForgeError::NoChanges { branch: new.branch.clone(), base: new.base.clone() });
        }
        let number = records.iter().map(|r| r.number).max().unwrap_or(0) + 1;
        let rec = Record {
            number,
            title: new.title.clone(),
            body: new.body.clone(),
            branch: new.branch.clone(),
            base: new.base.clone(),
            draft: new.draft,
            state: "open".into(),
            created_at: self.stamp(),
            merged_at: None,
            closed_at: None,
            merge_commit: None,
            reviews: Vec::new(),
            comments: Vec::new(),
        };
        repo.reference(&format!("refs/reviews/{number}"), head, true, "patchdesk: review request")
            .map_err(|e| ForgeError::Unexpected(e.message().to_string()))?;
        self.write_record(&rec)?;
        Ok(self.to_request(&repo, &rec))
    }

    fn find_open_review(&self, branch: &str, base: &str) -> Result<Option<ReviewRequest>, ForgeError> {
        let repo = self.repo()?;
        Ok(self
            .records()?
            .iter()
            .map(|r| self.to_request(&repo, r))
            .find(|r| r.branch == branch && r.base == base && r.state == ReviewState::Open))
    }

    fn add_labels(&self, _number: u64, _labels: &[String]) -> Result<(), ForgeError> {
        Ok(())
    }

    fn request_reviewers(&self, _number: u64, _reviewers: &[String]) -> Result<(), ForgeError> {
        Ok(())
    }

    fn list_reviews(&self) -> Result<Vec<ReviewRequest>, ForgeError> {
        let repo = self.repo()?;
        let mut out: Vec<ReviewRequest> = self.records()?.iter().map(|r| self.to_request(&repo, r)).collect();
        out.reverse();
        Ok(out)
    }

    fn review_status(&self, number: u64, etag: Option<&str>) -> Result<ReviewPoll, ForgeError> {
        let repo = self.repo()?;
        let rec = self.record(number)?;
        let review = self.to_request(&repo, &rec);
        // The tag covers everything the answer depends on: the record and both branch tips.
        let tip = |b: &str| {
            repo.find_reference(&format!("refs/heads/{b}"))
                .ok()
                .and_then(|x| x.target())
                .map(|o| o.to_string())
                .unwrap_or_default()
        };
        let bytes = serde_json::to_vec(&rec).map_err(|e| ForgeError::Unexpected(e.to_string()))?;
        let seed = format!(
            "{}\n{}\n{}\n{:?}",
            String::from_utf8_lossy(&bytes),
            tip(&rec.branch),
            tip(&rec.base),
            review.state
        );
        let tag = git2::Oid::hash_object(git2::ObjectType::Blob, seed.as_bytes())
            .map_err(|e| ForgeError::Unexpected(e.message().to_string()))?;
        let tag = format!("\"{tag}\"");
        if etag == Some(tag.as_str()) {
            return Ok(ReviewPoll::NotModified);
        }
        let closed_at = rec.closed_at.clone().filter(|_| review.state != ReviewState::Open);
        let merged_at = rec.merged_at.clone().filter(|_| review.state == ReviewState::Merged);
        Ok(ReviewPoll::Changed { review, etag: Some(tag), merged_at, closed_at })
    }

    fn serves(&self, remote_url: &str) -> bool {
        if !PracticeRemote::is_local_url(remote_url) {
            return false;
        }
        let p = remote_url.trim().strip_prefix("file://").unwrap_or(remote_url.trim());
        match (fs::canonicalize(p), fs::canonicalize(&self.git_dir)) {
            (Ok(a), Ok(b)) => a == b,
            _ => Path::new(p) == self.git_dir,
        }
    }

    fn file_link(&self, branch: &str, path: &str) -> String {
        format!("{path} on branch {branch} of {}", self.git_dir.display())
    }

    fn review_link_for_branch(&self, branch: &str) -> String {
        format!("{}#branch-{branch}", self.git_dir.display())
    }

    fn feedback(&self, number: u64, _cache: &mut crate::FeedbackCache) -> Result<Feedback, ForgeError> {
        let rec = self.record(number)?;
        let comments = rec.comments.into_iter().filter(|c| !is_patchdesk_comment(&c.body)).collect();
        Ok(Feedback { reviews: rec.reviews, comments, checks: Checks::none() })
    }

    fn merge_methods(&self) -> Result<Vec<MergeMethod>, ForgeError> {
        Ok(vec![MergeMethod::Merge])
    }

    fn merge(&self, number: u64, method: MergeMethod) -> Result<String, ForgeError> {
        if method != MergeMethod::Merge {
            return Err(ForgeError::Invalid {
                detail: format!("the practice remote merges with a merge commit only, not by {}", method.as_str()),
            });
        }
        self.merge_review(number)
    }

    fn close(&self, number: u64) -> Result<(), ForgeError> {
        self.close_review(number)
    }

    fn delete_branch(&self, branch: &str, only_if_at: &str) -> Result<bool, ForgeError> {
        let _lock = self.lock()?;
        let repo = self.repo()?;
        let Ok(mut r) = repo.find_reference(&format!("refs/heads/{branch}")) else { return Ok(false) };
        if r.target().map(|t| t.to_string()).as_deref() != Some(only_if_at) {
            return Ok(false);
        }
        r.delete().map_err(|e| ForgeError::Unexpected(format!("git could not delete {branch}: {}", e.message())))?;
        Ok(true)
    }

    fn merge_commit(&self, number: u64) -> Result<Option<MergeCommit>, ForgeError> {
        // The practice remote merges with a merge commit: one commit brings the change in.
        let one = |sha: String| MergeCommit { sha, commits: 1 };
        let repo = self.repo()?;
        let rec = self.record(number)?;
        if self.to_request(&repo, &rec).state != ReviewState::Merged {
            return Ok(None);
        }
        if let Some(sha) = rec.merge_commit {
            return Ok(Some(one(sha)));
        }
        // Merged by someone else (a push to the base): the first commit on the base's
        // first-parent line that holds the request's head is the one that brought it in.
        let tip = |name: &str| repo.find_reference(name).ok().and_then(|r| r.target());
        let (Some(head), Some(base)) = (
            tip(&format!("refs/heads/{}", rec.branch)).or(tip(&format!("refs/reviews/{number}"))),
            tip(&format!("refs/heads/{}", rec.base)),
        ) else {
            return Ok(None);
        };
        let holds = |c: git2::Oid| c == head || repo.graph_descendant_of(c, head).unwrap_or(false);
        let mut found = None;
        let mut at = repo.find_commit(base).ok();
        while let Some(c) = at.filter(|c| holds(c.id())) {
            found = Some(c.id());
            at = c.parent(0).ok();
        }
        Ok(found.map(|c| one(c.to_string())))
    }

    fn comment(&self, number: u64, body: &str) -> Result<(), ForgeError> {
        let _lock = self.lock()?;
        let mut rec = self.record(number)?;
        rec.comments.push(ReviewComment {
            author: "Patchdesk".into(),
            body: format!("{}\n\n{PATCHDESK_MARK}", body.trim_end()),
            path: None,
            line: None,
            at: Some(self.stamp()),
        });
        self.write_record(&rec)
    }
}

#[cfg(test)]
mod local_url_tests {
    use super::PracticeRemote;

    /// The cases where the forge's and the project's copies disagreed, and the one-letter SSH
    /// host the forge's copy took for a drive.
    #[test]
    fn one_answer_for_local_and_server_urls() {
        for local in [
            "/srv/git/rtp.git",
            "file:///srv/git/rtp.git",
            "./rtp.git",
            "../rtp.git",
            "  /srv/git/rtp.git\n",
            "C:\\repos\\rtp.git",
            "c:/repos/rtp.git",
        ] {
            assert!(PracticeRemote::is_local_url(local), "{local:?} is on this disk");
        }
        for server in [
            "https://github.com/acme/rtp.git",
            "git@github.com:acme/rtp.git",
            "h:rtp.git",
            "ssh://git@h/rtp.git",
            "1:/x",
            "",
        ] {
            assert!(!PracticeRemote::is_local_url(server), "{server:?} is a server");
        }
    }
}

#[cfg(test)]
mod clock_tests {
    use super::*;
    use patchdesk_clock::TestClock;
    use time::macros::datetime;

    /// Review requests are stamped with the clock handed in, not the computer's.
    #[test]
    fn review_requests_are_stamped_by_the_clock_handed_in() {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init_bare(dir.path()).unwrap();
        let sig = git2::Signature::now("T", "t@localhost").unwrap();
        let tree = repo.find_tree(repo.treebuilder(None).unwrap().write().unwrap()).unwrap();
        let base = repo.commit(Some("refs/heads/main"), &sig, &sig, "base", &tree, &[]).unwrap();
        let base = repo.find_commit(base).unwrap();
        repo.commit(Some("refs/heads/topic"), &sig, &sig, "work", &tree, &[&base]).unwrap();
        let clock = Arc::new(TestClock::new(datetime!(2026-11-19 14:03:00.5 UTC)));
        let forge = PracticeRemote::open(dir.path().to_str().unwrap()).unwrap().with_clock(clock.clone());
        let new = NewReview {
            title: "t".into(),
            body: "b".into(),
            branch: "topic".into(),
            base: "main".into(),
            draft: false,
        };
        let r = forge.open_review(&new).unwrap();
        clock.advance(std::time::Duration::from_secs(60));
        forge.close_review(r.number).unwrap();
        let rec: Record =
            serde_json::from_slice(&fs::read(dir.path().join(DIR).join(format!("{}.json", r.number))).unwrap())
                .unwrap();
        assert_eq!(
            (rec.created_at.as_str(), rec.closed_at.as_deref()),
            ("2026-11-19T14:03:00Z", Some("2026-11-19T14:04:00Z"))
        );
    }
}

#[cfg(test)]
mod review_tests {
    use super::*;

    /// The practice reviewer's words come back as feedback, with the file and line; Patchdesk's
    /// own comment is kept in the record but never handed back as a reviewer's.
    #[test]
    fn the_practice_reviewers_words_come_back_with_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init_bare(dir.path()).unwrap();
        let sig = git2::Signature::now("T", "t@localhost").unwrap();
        let tree = repo.find_tree(repo.treebuilder(None).unwrap().write().unwrap()).unwrap();
        let base = repo.commit(Some("refs/heads/main"), &sig, &sig, "base", &tree, &[]).unwrap();
        let base = repo.find_commit(base).unwrap();
        repo.commit(Some("refs/heads/topic"), &sig, &sig, "work", &tree, &[&base]).unwrap();
        let forge = PracticeRemote::open(dir.path().to_str().unwrap()).unwrap();
        let new = NewReview {
            title: "t".into(),
            body: "b".into(),
            branch: "topic".into(),
            base: "main".into(),
            draft: false,
        };
        let n = forge.open_review(&new).unwrap().number;
        forge.submit_review(n, Verdict::ChangesAsked, "Say which step first.", Some(("docs/a.md", 3))).unwrap();
        forge.comment(n, "Revision 2 from QAPod: fixed").unwrap();
        let f = forge.feedback(n, &mut crate::FeedbackCache::new()).unwrap();
        assert_eq!(f.comments.len(), 1, "{f:?}");
        assert_eq!(
            (f.comments[0].path.as_deref(), f.comments[0].line, f.comments[0].body.as_str()),
            (Some("docs/a.md"), Some(3), "Say which step first.")
        );
        let s = f.summary();
        assert_eq!(
            (s.standing, s.asked_by, s.comments),
            (crate::Standing::ChangesAsked, vec![PRACTICE_REVIEWER.to_string()], 1)
        );
        forge.submit_review(n, Verdict::Approved, "", None).unwrap();
        assert_eq!(
            forge.feedback(n, &mut crate::FeedbackCache::new()).unwrap().summary().standing,
            crate::Standing::Approved
        );
        assert_eq!(forge.merge_methods().unwrap(), vec![MergeMethod::Merge]);
        assert!(forge.merge(n, MergeMethod::Squash).is_err());
        forge.merge(n, MergeMethod::Merge).unwrap();
        assert!(forge.submit_review(n, Verdict::Approved, "", None).is_err(), "a merged request takes no review");
    }
}
