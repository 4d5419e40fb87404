//! Bringing an open review request up to date when its base branch has moved.
//!
//! Every promote commit adds to the shared delivery logs (`.logs/trace_log.md`,
//! `metrics/metrics.yaml`). When one review request is merged, every other open one now adds
//! to an older version of those files, and the forge can no longer merge it cleanly. Patchdesk
//! owns those branches and their one commit, so it makes the commit again on the newest base
//! (the same change, the logs as of now) and replaces the branch; the review request shows the
//! new commit. A branch with anything else on it is left alone, and so is a change that no
//! longer applies to the new base (the lead sees it as a conflict in the review request).

use git2::{Oid, Repository};
use patchdesk_error::Coded;
use patchdesk_forge::Forge;
use patchdesk_intake::Queue;
use serde::Serialize;

use crate::config::PromoteConfig;
use crate::record::{load_record, save_record};
use crate::{content, transport, PromoteError, PromoteRequest, FETCH_PREFIX, PROMOTE_PREFIX};

/// What [`refresh`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Refreshed {
    /// The base has not moved since the commit was made: nothing to do.
    Current,
    /// Made again on the base's newest commit and sent; the review request shows it now.
    Remade {
        /// The new commit.
        commit: String,
        /// The base commit it sits on.
        base_commit: String,
    },
    /// Left as it is, and why.
    Left {
        /// Why.
        why: Left,
    },
}

/// Why a review request was left as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Left {
    /// The item was never sent for review.
    NeverSent,
    /// Its review request is not open yet (the promote did not finish).
    NotOpenYet,
    /// Its base branch is gone from the remote.
    BaseGone,
    /// Its branch holds other work than Patchdesk's commit (someone pushed to it, also while
    /// Patchdesk was replacing it): it is not replaced.
    BranchChanged,
    /// Its commit is already part of the base branch.
    AlreadyInBase,
    /// The change does not apply to the newest base.
    DoesNotApply {
        /// The base branch.
        base: String,
        /// Why, in words.
        detail: String,
    },
}

impl Left {
    /// The reason in words, to follow "left as it is because".
    pub fn words(&self) -> String {
        match self {
            Left::NeverSent => "it was never sent for review".into(),
            Left::NotOpenYet => "its review request is not open yet".into(),
            Left::BaseGone => "its base branch is gone from the remote".into(),
            Left::BranchChanged => {
                "its branch has other work on it now (someone else pushed to it), so Patchdesk does not replace it"
                    .into()
            }
            Left::AlreadyInBase => "it is already part of the base branch".into(),
            Left::DoesNotApply { base, detail } => format!("it no longer applies to the newest {base}: {detail}"),
        }
    }

    /// True when there is something to tell the lead (the others are ordinary states).
    fn worth_saying(&self) -> bool {
        !matches!(self, Left::NeverSent | Left::NotOpenYet)
    }
}

/// Makes the one commit of the sent item `req.item` again on the newest commit of its base
/// branch and replaces its branch, when the base moved since. Safe to run again.
///
/// The branch is replaced only while it still holds the commit Patchdesk made (a lease, see
/// `transport::push_replacing`): a reviewer's commit pushed to it at any moment before the
/// replacement leaves it alone ([`Left::BranchChanged`]).
pub fn refresh(req: &PromoteRequest, forge: &dyn Forge) -> Result<Refreshed, PromoteError> {
    let left = |why: Left| Ok(Refreshed::Left { why });
    let Some(mut rec) = load_record(&req.workdir, &req.item)? else {
        return left(Left::NeverSent);
    };
    let (Some(base), Some(branch), Some(old_base), Some(old_commit), true, Some(_)) = (
        rec.base.clone(),
        rec.branch.clone(),
        rec.base_commit.clone(),
        rec.commit.clone(),
        rec.pushed,
        rec.review_number,
    ) else {
        return left(Left::NotOpenYet);
    };
    let queue = Queue::open(&req.workdir)?;
    let item = queue.get(&req.item)?;
    let config = PromoteConfig::load(&req.workdir)?;
    let repo = Repository::discover(&req.workdir).map_err(|_| PromoteError::Git {
        action: "open the repository".into(),
        detail: format!("there is no git repository at {}", req.workdir.display()),
    })?;
    let url = req.remote_url.clone();
    let creds = forge.git_credentials();
    let (heads, _) = transport::list_remote(&repo, &url, creds)?;
    let tip = |heads: &transport::RemoteHeads, name: &str| heads.iter().find(|(n, _)| n == name).map(|(_, o)| *o);
    let Some(base_tip) = tip(&heads, &base) else {
        return left(Left::BaseGone);
    };
    if base_tip.to_string() == old_base {
        return Ok(Refreshed::Current);
    }
    let Some(ours) = Oid::from_str(&old_commit).ok().filter(|c| tip(&heads, &branch) == Some(*c)) else {
        return left(Left::BranchChanged);
    };
    let key = transport::remote_key(&url);
    transport::fetch(&repo, &url, creds, &key, &[base.as_str()])?;
    let base_commit =
        repo.find_reference(&format!("{FETCH_PREFIX}/{key}/{base}")).ok().and_then(|r| r.target()).ok_or_else(
            || PromoteError::Git { action: "fetch the base branch".into(), detail: format!("{base} was not fetched") },
        )?;
    if repo.graph_descendant_of(base_commit, ours).unwrap_or(false) {
        return left(Left::AlreadyInBase);
    }
    let built = match content::build(&repo, &queue, &item, &config, forge, &rec, base_commit, req.author.clone(), None)
    {
        Ok(b) => b,
        Err(e) => return left(Left::DoesNotApply { base, detail: e.to_string() }),
    };
    let commit = built.write_commit(&repo, base_commit)?;
    let source_ref = format!("{PROMOTE_PREFIX}/{branch}");
    repo.reference(&source_ref, commit, true, "patchdesk: refresh")
        .map_err(|e| PromoteError::Git { action: "keep the new commit".into(), detail: e.message().to_string() })?;
    if !transport::push_replacing(&repo, &url, creds, &source_ref, &branch, ours)? {
        return left(Left::BranchChanged);
    }
    // Read back: a server that does not check the old commit could have let a push in between.
    let (after, _) = transport::list_remote(&repo, &url, creds)?;
    if tip(&after, &branch) != Some(commit) {
        return left(Left::BranchChanged);
    }
    rec.base_commit = Some(base_commit.to_string());
    rec.commit = Some(commit.to_string());
    save_record(&req.workdir, &rec)?;
    Ok(Refreshed::Remade { commit: commit.to_string(), base_commit: base_commit.to_string() })
}

/// Refreshes every item of `open` (items whose review requests are open) against `remote_url`;
/// what happened to each, in words, for those that were made again or could not be.
/// Call it after a review request was merged: the others then sit on an older base.
pub fn refresh_open(
    workdir: &std::path::Path,
    remote_url: &str,
    forge: &dyn Forge,
    open: &[String],
) -> Vec<(String, String)> {
    let mut said = Vec::new();
    for item in open {
        let req = PromoteRequest::new(workdir, item, remote_url);
        match refresh(&req, forge) {
            Ok(Refreshed::Remade { .. }) => {
                said.push((item.clone(), format!("{item}: made again on the newest base so it can still be merged")))
            }
            Ok(Refreshed::Left { why }) if why.worth_saying() => {
                said.push((item.clone(), format!("{item}: left as it is because {}", why.words())))
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(item = %item, code = %e.code(), "an open review request could not be brought up to date");
                said.push((item.clone(), format!("{item}: could not be brought up to date: {e}")))
            }
        }
    }
    said
}
