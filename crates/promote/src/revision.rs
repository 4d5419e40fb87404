//! The pod's revision of a task whose review request is still open goes to that same request.
//!
//! A new inbox item for a task with an open request Patchdesk opened from another item (its
//! [`KnownReview`], not merged or closed) updates that request instead of opening a second one
//! (unless the lead asks for a new request, [`crate::PromoteRequest::new_request`]):
//!
//! 1. **prepare**: read the request's branch on the remote and fetch it (and the base).
//! 2. **commit**: apply the item on the branch's current head (objects only) with its delivery
//!    logs: one commit whose parent is that head, so whatever is on the branch (a reviewer's
//!    own commits) is kept. A change that no longer applies there is refused and nothing is sent.
//! 3. **push**: without force; a branch that moved meanwhile refuses it, and the next run builds
//!    again on the new head.
//! 4. **open_review**: a comment on the request, "Revision 2 from DevPod: <summary>".
//! 5. **finish**: the item is marked promoted.
//!
//! Safe to rerun: the record says what happened, and a commit of this item already on the
//! branch (its `Patch:` trailer) is taken as done even when the record was lost.

use std::path::Path;

use git2::{Oid, Repository};
use patchdesk_forge::{GitCredentials, ReviewPoll, ReviewState};
use patchdesk_intake::{InboxItem, Queue, Status};

use crate::record::{all_records, PromoteRecord};
use crate::{
    content, transport, KnownReview, PromoteConfig, PromoteError, PromoteOutcome, Run, Step, StepState, FETCH_PREFIX,
    PROMOTE_PREFIX,
};

/// How far back on a request's branch a commit of the item is looked for.
const LOOK_BACK: usize = 1000;

/// The open review request, opened from another item, that `item` would update: the newest
/// one for its task, as the project's records know it (no network).
pub fn open_request_for(workdir: &Path, item: &InboxItem) -> Option<KnownReview> {
    let task = content::task_id(item);
    crate::lifecycle::review_states(workdir)
        .into_iter()
        .filter(|k| k.state == ReviewState::Open && k.item != item.name && k.branch.is_some() && k.base.is_some())
        .filter(|k| k.task_id.as_deref() == Some(task.as_str()))
        .max_by_key(|k| k.number)
}

/// True when the review request `rec` opened is closed without merging, as the project's
/// records know it (withdrawn: its item is back in the inbox).
pub(crate) fn withdrawn(workdir: &Path, rec: &PromoteRecord) -> bool {
    rec.revision_of.is_none()
        && crate::lifecycle::review_states(workdir)
            .iter()
            .any(|k| k.item == rec.item && Some(k.number) == rec.review_number && k.state == ReviewState::Closed)
}

/// Makes `rec` (a fresh record of `item`) a revision of `known`.
pub(crate) fn begin(rec: &mut PromoteRecord, known: &KnownReview, workdir: &Path, item: &InboxItem) {
    let earlier =
        all_records(workdir).iter().filter(|r| r.revision_of == Some(known.number) && r.item != rec.item).count();
    rec.revision_of = Some(known.number);
    rec.revision = Some(2 + earlier as u32);
    rec.review_number = Some(known.number);
    rec.review_url = Some(known.url.clone());
    rec.branch = known.branch.clone();
    rec.base = known.base.clone();
    rec.pod = Some(content::pod_for(workdir, item));
}

/// Reads the request's `branch` (and its `base`, when the remote has it) from the remote at
/// `url` and fetches them: the branch's head now and the base's head. A branch gone from the
/// remote is refused, naming item `name` and request `number`.
fn fetch_branch(
    repo: &Repository,
    url: &str,
    creds: Option<&GitCredentials>,
    branch: &str,
    base: &str,
    number: u64,
    name: &str,
) -> Result<(Oid, Option<Oid>), PromoteError> {
    let (heads, _) = transport::list_remote(repo, url, creds)?;
    let Some(tip) = heads.iter().find(|(n, _)| *n == branch).map(|(_, o)| *o) else {
        return Err(PromoteError::NotPromotable(format!(
            "The branch {branch} of review request #{number} is gone from the remote, so {name} cannot update it; send it as a new review request instead."
        )));
    };
    let mut wanted = vec![branch];
    if heads.iter().any(|(n, _)| *n == base) {
        wanted.push(base);
    }
    let key = transport::remote_key(url);
    transport::fetch(repo, url, creds, &key, &wanted)?;
    let base_tip = repo.find_reference(&format!("{FETCH_PREFIX}/{key}/{base}")).ok().and_then(|r| r.target());
    Ok((tip, base_tip))
}

/// What the review of a revision is checked against: the open request's branch as it is on
/// the remote now (what changed since the last revision), and where the branch left its base
/// (the whole change).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionBase {
    /// The request's number.
    pub number: u64,
    /// Which version of it the item is (2 for the first revision).
    pub revision: u32,
    /// The request's branch.
    pub branch: String,
    /// The branch's head the item is applied to.
    pub on: Oid,
    /// Where the branch left its base branch, when known: the whole change is shown from there.
    pub whole_from: Option<Oid>,
}

impl RevisionBase {
    /// Version `revision` of request `number` on `branch`, applied to `on`; the whole change
    /// from where `on` left the base branch's head `base_tip`.
    fn at(repo: &Repository, (number, revision): (u64, u32), branch: String, on: Oid, base_tip: Option<Oid>) -> Self {
        let whole_from = base_tip.and_then(|b| repo.merge_base(on, b).ok());
        RevisionBase { number, revision, branch, on, whole_from }
    }
}

/// For an inbox item that revises an open review request (see [`open_request_for`]), the
/// commits its review is checked against: the request's branch fetched from the remote now
/// with `creds`. An item already sent as a revision is checked against the head it was
/// committed on (no network). `None` for an item that revises no request. Blocks on the network.
pub fn review_base(
    workdir: &Path,
    item: &InboxItem,
    creds: Option<&GitCredentials>,
) -> Result<Option<RevisionBase>, PromoteError> {
    let repo = Repository::discover(workdir).map_err(|_| PromoteError::Git {
        action: "open the repository".into(),
        detail: format!("there is no git repository at {}", workdir.display()),
    })?;
    let sent = crate::load_record(workdir, &item.name)?.filter(|r| r.revision_of.is_some());
    if let Some(r) = sent.filter(|r| r.pushed) {
        let on = r.base_commit.as_deref().and_then(|c| Oid::from_str(c).ok()).filter(|c| repo.find_commit(*c).is_ok());
        if let Some(on) = on {
            let base = r.base.clone().unwrap_or_default();
            let key = transport::remote_key(&r.remote);
            let base_tip = repo.find_reference(&format!("{FETCH_PREFIX}/{key}/{base}")).ok().and_then(|b| b.target());
            let request = (r.revision_of.unwrap_or_default(), r.revision.unwrap_or(2));
            return Ok(Some(RevisionBase::at(&repo, request, r.branch.clone().unwrap_or_default(), on, base_tip)));
        }
    }
    let Some(known) = open_request_for(workdir, item) else { return Ok(None) };
    let url = known.remote.clone().unwrap_or_default();
    let branch = known.branch.clone().unwrap_or_default();
    let base = known.base.clone().unwrap_or_default();
    let (on, base_tip) = fetch_branch(&repo, &url, creds, &branch, &base, known.number, &item.name)?;
    Ok(Some(RevisionBase::at(&repo, next_version(&known), branch, on, base_tip)))
}

/// The request's number and the version a new revision of it would be.
fn next_version(known: &KnownReview) -> (u64, u32) {
    (known.number, known.revisions.unwrap_or(1).saturating_add(1))
}

/// [`review_base`] without the network, for an item not sent yet: the request's branch as
/// Patchdesk last read it from the remote or pushed it, whichever is newer. `None` when the item
/// revises no open request or the branch was never read here.
pub fn last_known_base(workdir: &Path, item: &InboxItem) -> Option<RevisionBase> {
    let repo = Repository::discover(workdir).ok()?;
    let known = open_request_for(workdir, item)?;
    let branch = known.branch.clone()?;
    let key = transport::remote_key(known.remote.as_deref().unwrap_or_default());
    let target = |name: String| repo.find_reference(&name).ok().and_then(|r| r.target());
    let on = match (target(format!("{FETCH_PREFIX}/{key}/{branch}")), target(format!("{PROMOTE_PREFIX}/{branch}"))) {
        (Some(read), Some(pushed)) if repo.graph_descendant_of(pushed, read).unwrap_or(false) => pushed,
        (Some(read), _) => read,
        (None, pushed) => pushed?,
    };
    let base_tip = target(format!("{FETCH_PREFIX}/{key}/{}", known.base.clone().unwrap_or_default()));
    Some(RevisionBase::at(&repo, next_version(&known), branch, on, base_tip))
}

/// True when `tip` or one of its ancestors not in the base is a commit of item `name`.
fn already_on_branch(repo: &Repository, tip: Oid, base: Option<Oid>, name: &str) -> Option<Oid> {
    let patch_line = format!("Patch: {name}");
    let mut walk = repo.revwalk().ok()?;
    walk.push(tip).ok()?;
    if let Some(b) = base {
        walk.hide(b).ok()?;
    }
    walk.filter_map(Result::ok).take(LOOK_BACK).find(|c| {
        repo.find_commit(*c).ok().is_some_and(|c| c.message().is_ok_and(|m| m.lines().any(|l| l == patch_line)))
    })
}

/// The steps of a revision (see the module documentation).
pub(crate) fn steps(
    run: &mut Run<'_>,
    repo: &Repository,
    queue: &Queue,
    item: &InboxItem,
    config: &PromoteConfig,
) -> Result<PromoteOutcome, PromoteError> {
    let url = run.req.remote_url.clone();
    let creds = run.forge.git_credentials();
    let branch = run.rec.branch.clone().unwrap_or_default();
    let base = run.rec.base.clone().unwrap_or_default();
    let pod = run.rec.pod.clone().unwrap_or_default();
    let number = run.rec.review_number.unwrap_or_default();
    let revision = run.rec.revision.unwrap_or(2);
    let source_ref = format!("{PROMOTE_PREFIX}/{branch}");

    // 1–3. prepare, commit, push: until pushed, always on the branch's head as it is now.
    if run.rec.pushed {
        for step in [Step::Prepare, Step::Commit, Step::Push] {
            run.event(step, StepState::Skipped, "done before");
        }
    } else {
        run.event(Step::Prepare, StepState::Started, &format!("reading {branch} of #{number}"));
        // The project's records may be behind: a request merged or closed since takes no more.
        if let ReviewPoll::Changed { review, .. } = run.forge.review_status(number, None)? {
            if review.state != ReviewState::Open {
                let how = if review.state == ReviewState::Merged { "merged" } else { "closed" };
                return Err(PromoteError::NotPromotable(format!(
                    "Review request #{number} was {how} in the meantime, so {} cannot update it; send it again with \"new review request\" chosen.",
                    item.name
                )));
            }
        }
        let (tip, base_tip) = fetch_branch(repo, &url, creds, &branch, &base, number, &item.name)?;
        if let Some(done) = already_on_branch(repo, tip, base_tip, &item.name) {
            run.rec.commit = Some(done.to_string());
            run.rec.base_commit = repo.find_commit(done).ok().and_then(|c| c.parent_id(0).ok()).map(|p| p.to_string());
            run.rec.pushed = true;
            for step in [Step::Prepare, Step::Commit, Step::Push] {
                run.event(step, StepState::Skipped, "already on the request's branch");
            }
            run.save()?;
        } else {
            run.rec.base_commit = Some(tip.to_string());
            run.event(Step::Prepare, StepState::Done, &format!("{branch} at {}", &tip.to_string()[..7]));
            run.save()?;
            run.event(Step::Commit, StepState::Started, "applying the revision on the request's branch");
            let built = content::build(
                repo,
                queue,
                item,
                config,
                run.forge,
                &run.rec,
                tip,
                run.req.author.clone(),
                Some(&run.req.confirmed_risks),
            )
            .map_err(|e| match e {
                PromoteError::DoesNotApply { item, detail, conflict, .. } => {
                    PromoteError::RevisionDoesNotApply { item, number, branch: branch.clone(), detail, conflict }
                }
                other => other,
            })?;
            let commit = built.write_commit(repo, tip)?;
            repo.reference(&source_ref, commit, true, "patchdesk: revision").map_err(|e| PromoteError::Git {
                action: "keep the revision commit".into(),
                detail: e.message().to_string(),
            })?;
            run.interrupt(Step::Commit)?;
            run.rec.commit = Some(commit.to_string());
            run.event(Step::Commit, StepState::Done, "one commit on top of the request's branch");
            run.save()?;
            run.event(Step::Push, StepState::Started, &format!("sending {branch}"));
            // Never forced: a branch that moved since it was read refuses the push.
            transport::push(repo, &url, creds, &source_ref, &branch)?;
            run.interrupt(Step::Push)?;
            run.rec.pushed = true;
            run.event(Step::Push, StepState::Done, "pushed");
            run.save()?;
        }
    }

    // 4. the comment on the request.
    if run.rec.commented {
        run.event(Step::OpenReview, StepState::Skipped, "commented before");
    } else {
        run.event(Step::OpenReview, StepState::Started, &format!("telling #{number} about the revision"));
        let words = format!(
            "Revision {revision} from {}: {}",
            content::pod_display(item, &pod),
            content::one_line(&content::summary(item))
        );
        run.forge.comment(number, &words)?;
        run.interrupt(Step::OpenReview)?;
        run.rec.commented = true;
        run.event(Step::OpenReview, StepState::Done, &format!("#{number} updated"));
        run.save()?;
    }

    // 5. finish
    if run.rec.finished {
        run.event(Step::Finish, StepState::Skipped, "finished before");
    } else {
        run.event(Step::Finish, StepState::Started, "marking the item sent");
        queue.set_status(&item.name, Status::Promoted)?;
        run.interrupt(Step::Finish)?;
        run.rec.finished = true;
        run.rec.status = String::new();
        run.event(Step::Finish, StepState::Done, "review request updated");
        run.save()?;
    }
    Ok(PromoteOutcome {
        branch,
        base,
        commit: run.rec.commit.clone().unwrap_or_default(),
        pr_number: number,
        pr_url: run.rec.review_url.clone().unwrap_or_default(),
        steps: run.events.clone(),
        updated: true,
        revision: Some(revision),
    })
}
