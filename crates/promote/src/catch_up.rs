//! Bringing a review request's branch up to date with its base before it is merged.
//!
//! Every Patchdesk commit adds to the shared delivery logs (`.logs/trace_log.md`,
//! `metrics/metrics.yaml`): the request's own commits on its branch, and the board's commits
//! (a handoff, "sent back to the pod", a task done) on the base. Line by line those additions
//! collide, so a forge calls the request "conflicting" although neither side changed what the
//! other wrote. Before merging, Patchdesk merges the base into the branch with those logs
//! joined (see `crate::merge`) and pushes that one merge commit to the branch — never forced,
//! so anyone's commits on it stay. Any other file both sides changed is a real conflict: then
//! nothing is pushed, and the paths are named.

use git2::{Oid, Repository};
use patchdesk_forge::Forge;

use crate::{transport, PromoteError, FETCH_PREFIX};

/// The local ref the merge commit is pushed from.
const CATCH_UP_REF: &str = "refs/patchdesk/catch-up";

/// What [`catch_up`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaughtUp {
    /// The branch already holds its base's newest commit (or one of them is gone): nothing done.
    Current,
    /// A merge commit of the base, with the delivery logs joined, was pushed to the branch.
    Merged {
        /// The merge commit.
        commit: String,
    },
    /// The branch and its base changed these files in ways that cannot be joined; nothing was
    /// pushed.
    Collides {
        /// The files, as paths in the project.
        paths: Vec<String>,
    },
}

/// Brings request `number`'s `branch` up to date with `base` on the remote at `remote_url`
/// (see the module's words). `author` signs the merge commit (else the repository's user,
/// else "Patchdesk"). Blocks on the network; writes only git objects and Patchdesk's own refs.
pub fn catch_up(
    workdir: &std::path::Path,
    remote_url: &str,
    forge: &dyn Forge,
    number: u64,
    branch: &str,
    base: &str,
    author: Option<(String, String)>,
) -> Result<CaughtUp, PromoteError> {
    let repo = Repository::discover(workdir).map_err(|_| PromoteError::Git {
        action: "open the repository".into(),
        detail: format!("there is no git repository at {}", workdir.display()),
    })?;
    let err = |action: &'static str| {
        move |e: git2::Error| PromoteError::Git { action: action.into(), detail: e.message().to_string() }
    };
    let creds = forge.git_credentials();
    let (heads, _) = transport::list_remote(&repo, remote_url, creds)?;
    let tip = |name: &str| heads.iter().find(|(n, _)| n == name).map(|(_, o)| *o);
    let (Some(branch_tip), Some(base_tip)) = (tip(branch), tip(base)) else {
        return Ok(CaughtUp::Current);
    };
    let key = transport::remote_key(remote_url);
    transport::fetch(&repo, remote_url, creds, &key, &[base, branch])?;
    let fetched = |name: &str| -> Result<Oid, PromoteError> {
        repo.find_reference(&format!("{FETCH_PREFIX}/{key}/{name}")).ok().and_then(|r| r.target()).ok_or_else(|| {
            PromoteError::Git {
                action: "fetch the review request's branches".into(),
                detail: format!("{name} was not fetched"),
            }
        })
    };
    let (branch_tip, base_tip) = (fetched(branch).unwrap_or(branch_tip), fetched(base).unwrap_or(base_tip));
    if branch_tip == base_tip || repo.graph_descendant_of(branch_tip, base_tip).unwrap_or(false) {
        return Ok(CaughtUp::Current);
    }
    let ours = repo.find_commit(branch_tip).map_err(err("read the review request's branch"))?;
    let theirs = repo.find_commit(base_tip).map_err(err("read the base branch"))?;
    let mut index = repo.merge_commits(&ours, &theirs, None).map_err(err("merge the base into the review request"))?;
    if index.has_conflicts() && !crate::board::merge_log_additions(&repo, &mut index)? {
        let mut paths = Vec::new();
        for conflict in index.conflicts().map_err(err("merge the base into the review request"))?.flatten() {
            let entry = conflict.our.or(conflict.their).or(conflict.ancestor);
            if let Some(e) = entry {
                paths.push(String::from_utf8_lossy(&e.path).into_owned());
            }
        }
        return Ok(CaughtUp::Collides { paths });
    }
    let tree_id = index.write_tree_to(&repo).map_err(err("merge the base into the review request"))?;
    let tree = repo.find_tree(tree_id).map_err(err("merge the base into the review request"))?;
    let sig = match author {
        Some((name, email)) => git2::Signature::now(&name, &email),
        None => repo.signature().or_else(|_| git2::Signature::now("Patchdesk", "patchdesk@localhost")),
    }
    .map_err(err("sign the merge commit"))?;
    let message = format!(
        "Bring review request #{number} up to date with {base}\n\nThe delivery logs both sides added to are joined; nothing else changed.\n"
    );
    let commit =
        repo.commit(None, &sig, &sig, &message, &tree, &[&ours, &theirs]).map_err(err("make the merge commit"))?;
    repo.reference(CATCH_UP_REF, commit, true, "patchdesk: bring a review request up to date")
        .map_err(err("keep the merge commit"))?;
    transport::push(&repo, remote_url, creds, CATCH_UP_REF, branch)?;
    Ok(CaughtUp::Merged { commit: commit.to_string() })
}
