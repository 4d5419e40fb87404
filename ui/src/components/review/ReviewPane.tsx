import { useCallback, useEffect, useRef, useState } from "react";
import { backend, copyText, type Board, type FileDiff, type Rejected, type Review, type ReviewFile, type Task } from "../../lib/ipc";
import { explain, type Explained } from "../../lib/errors/errors";
import { outcomeBadge, plural, podLabel, statusLabel } from "../../lib/format/format";
import { DiffView, type DiffViewHandle, type ViewType } from "./DiffView";
import { PodNotes } from "./PodNotes";
import { ErrorPanel } from "../shared/ErrorPanel";
import { PromoteDialog } from "./PromoteDialog";
import { RiskNotice, confirmedRisks } from "./RiskNotice";
import { HandoffDialog } from "../board/BoardView";
import { nextPod } from "../../lib/board/board";
import { sendBoard } from "../../lib/board/boardSync";

const STATUS_LETTER: Record<string, string> = { added: "A", modified: "M", deleted: "D", renamed: "R", copied: "C", mode: "X" };
const STATUS_WORD: Record<string, string> = {
  added: "new file",
  modified: "changed",
  deleted: "removed",
  renamed: "moved",
  copied: "copied",
  mode: "permissions changed",
};

/** Files grouped by folder, for the file tree. */
function byFolder(files: ReviewFile[]): [string, ReviewFile[]][] {
  const groups = new Map<string, ReviewFile[]>();
  for (const f of files) {
    const cut = f.path.lastIndexOf("/");
    const dir = cut < 0 ? "" : f.path.slice(0, cut);
    groups.set(dir, [...(groups.get(dir) ?? []), f]);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
}

export function ReviewPane({
  name,
  target,
  onChanged,
  toast,
  board,
}: {
  name: string;
  target: string;
  onChanged: () => void;
  toast: (text: string) => void;
  /** The project's board, so a sent change can be handed to the next pod from here. */
  board?: Board;
}) {
  const [promoting, setPromoting] = useState(false);
  const [handing, setHanding] = useState<Task | null>(null);
  const [review, setReview] = useState<Review | null>(null);
  const [error, setError] = useState<Explained | null>(null);
  const [path, setPath] = useState<string | null>(null);
  const [diff, setDiff] = useState<FileDiff | null>(null);
  const [context, setContext] = useState(3);
  const [viewType, setViewType] = useState<ViewType>("unified");
  const [hideWs, setHideWs] = useState(false);
  const [rejecting, setRejecting] = useState(false);
  const [rejected, setRejected] = useState<Rejected | null>(null);
  const [understood, setUnderstood] = useState(false);
  const view = useRef<DiffViewHandle>(null);

  const load = useCallback(async () => {
    setReview(null);
    setError(null);
    setDiff(null);
    setRejected(null);
    setUnderstood(false);
    try {
      const r = await backend.reviewItem(name);
      setReview(r);
      setPath(r.files[0]?.path ?? null);
      setContext(3);
    } catch (e) {
      setError(explain(e));
    }
  }, [name]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    if (!path || !review?.tree) return;
    let live = true;
    backend.reviewFile(name, path, context).then(
      (d) => live && setDiff(d),
      (e) => live && setError(explain(e)),
    );
    return () => {
      live = false;
    };
  }, [name, path, context, review]);

  const files = review?.files ?? [];
  const stepFile = useCallback(
    (dir: 1 | -1) => {
      const i = files.findIndex((f) => f.path === path);
      const next = files[i + dir];
      if (next) setPath(next.path);
    },
    [files, path],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLInputElement) return;
      if (e.key === "n") view.current?.step(1);
      else if (e.key === "p") view.current?.step(-1);
      else if (e.key === "]") stepFile(1);
      else if (e.key === "[") stepFile(-1);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [stepFile]);

  if (error && !review) return <ErrorPanel error={error} onRetry={load} />;
  if (!review) return <section className="panel review" aria-busy="true" aria-label="Preparing the review" />;

  const item = review.item;
  const badge = outcomeBadge(review);
  const repairsHere = review.repairs.filter((r) => r.path === path);

  const keep = async () => {
    await backend.setItemStatus(name, item.status === "rejected" ? "queued" : "reviewed");
    toast(item.status === "rejected" ? "Restored to the inbox." : "Kept for later.");
    onChanged();
    void load();
  };

  return (
    <section className="panel review" aria-labelledby="review-heading" data-testid="review" data-outcome={review.outcome}>
      <header className="review-head">
        <div>
          <h2 id="review-heading">
            {item.task_id && <span className="pill">{item.task_id}</span>} {item.summary ?? item.file_name}
          </h2>
          <p className="muted">
            {podLabel(item.pod)} · {item.file_name} · {plural(review.files.length, "file")} · <span className="plus">+{review.added}</span>{" "}
            <span className="minus">−{review.removed}</span> · {statusLabel(item.status)}
          </p>
        </div>
        <span className={`outcome tone-${badge.tone}`} data-testid="outcome-badge">
          {badge.text}
        </span>
        <div className="review-actions">
          {item.status === "rejected" ? (
            <button type="button" onClick={keep}>
              Restore
            </button>
          ) : (
            <>
              <button type="button" className="quiet" onClick={() => setRejecting(true)} data-testid="reject">
                Send back…
              </button>
              <button type="button" className="quiet" onClick={keep}>
                Keep for later
              </button>
              {review.tree && item.status !== "promoted" && (
                <button
                  type="button"
                  onClick={() => setPromoting(true)}
                  disabled={review.risks.length > 0 && !understood}
                  title={review.risks.length > 0 && !understood ? "Look at the files listed below and tick \u201cI understand\u201d first" : undefined}
                  data-testid="send-for-review"
                >
                  Send for review
                </button>
              )}
            </>
          )}
        </div>
      </header>

      {promoting && (
        <PromoteDialog
          name={name}
          target={target}
          confirmedRisks={confirmedRisks(review.risks, understood)}
          onClose={() => {
            setPromoting(false);
            void load();
          }}
          onSent={(o) => {
            toast(`Sent for review: request #${o.pr_number} on ${o.branch}.`);
            onChanged();
          }}
          handOff={(() => {
            const task = board?.tasks.find((t) => t.id === review?.item.task_id);
            if (!task || !board) return undefined;
            const next = nextPod(board.pods, task.pod);
            return {
              label: next ? `Hand ${task.id} to the ${next.name}…` : `Hand ${task.id} on…`,
              start: () => {
                setPromoting(false);
                setHanding(task);
              },
            };
          })()}
        />
      )}
      {handing && board && (
        <HandoffDialog
          task={handing}
          to={nextPod(board.pods, handing.pod)?.key ?? null}
          pods={board.pods}
          relatedPatch={review?.item.file_name ?? null}
          onCancel={() => setHanding(null)}
          onDone={async (prompt, toName) => {
            const id = handing.id;
            setHanding(null);
            try {
              await copyText(prompt);
              toast(`Handed ${id} to the ${toName}. Its prompt is on your clipboard.`);
            } catch {
              toast(`Handed ${id} to the ${toName}. The prompt is saved in the project.`);
            }
            onChanged();
            void sendBoard(toast);
          }}
        />
      )}
      {rejecting && (
        <RejectForm
          name={name}
          taskId={item.task_id}
          onCancel={() => setRejecting(false)}
          onDone={async (r) => {
            setRejecting(false);
            setRejected(r);
            try {
              await copyText(r.prompt);
              toast("Sent back. The prompt for the pod is on your clipboard.");
            } catch {
              toast("Sent back. Copy the prompt for the pod below.");
            }
            onChanged();
          }}
        />
      )}
      {rejected && (
        <div className="notice" data-testid="rejected">
          <strong>Sent back to the {podLabel(item.pod)}.</strong> The note is saved in {rejected.feedback_path}. Paste this
          prompt into the pod's chat:
          <pre className="log-text">{rejected.prompt}</pre>
        </div>
      )}

      {item.status !== "promoted" && (
        <RiskNotice risks={review.risks} understood={understood} onUnderstood={setUnderstood} />
      )}
      {review.repairs.length > 0 && (
        <div className="repairs" data-testid="repairs">
          <strong>Patchdesk repaired this patch before applying it:</strong>
          <ul>
            {review.repairs.map((r, i) => (
              <li key={i}>{r.message}</li>
            ))}
          </ul>
        </div>
      )}
      {review.problems.length > 0 && (
        <div className="problems-list" data-testid="problems">
          <strong>{review.outcome === "conflict" ? "These lines clash with newer changes:" : "Why it can't be applied:"}</strong>
          {review.problems.map((p, i) => (
            <div className="problem" key={i} data-testid="problem">
              <p>
                {p.path && <code>{p.path}</code>} {p.hunk !== null && <span className="muted">(change {p.hunk})</span>} {p.message}
              </p>
              {(p.ours.length > 0 || p.theirs.length > 0) && (
                <div className="sides">
                  <div>
                    <h4>In the project now</h4>
                    <pre>{p.ours.join("\n")}</pre>
                  </div>
                  <div>
                    <h4>What the pod wrote</h4>
                    <pre>{p.theirs.join("\n")}</pre>
                  </div>
                </div>
              )}
            </div>
          ))}
        </div>
      )}

      <div className="review-body">
        <nav className="file-tree" aria-label="Files in this change" data-testid="file-tree">
          {byFolder(files).map(([dir, list]) => (
            <div key={dir}>
              {dir && <div className="folder">{dir}/</div>}
              {list.map((f) => (
                <button
                  type="button"
                  key={f.path}
                  className={f.path === path ? "file selected" : "file"}
                  onClick={() => setPath(f.path)}
                  title={`${f.path}: ${STATUS_WORD[f.status]}`}
                  data-testid="tree-file"
                  data-path={f.path}
                  aria-current={f.path === path}
                >
                  <span className={`letter st-${f.status}`} aria-label={STATUS_WORD[f.status]}>
                    {STATUS_LETTER[f.status]}
                  </span>
                  <span className="fname">{f.path.slice(dir ? dir.length + 1 : 0)}</span>
                  {review.repairs.some((r) => r.path === f.path) && (
                    <span className="repaired-mark" title="Patchdesk repaired this file's part of the patch">
                      fixed
                    </span>
                  )}
                  <span className="counts">
                    <span className="plus">+{f.added}</span> <span className="minus">−{f.removed}</span>
                  </span>
                </button>
              ))}
            </div>
          ))}
          {files.length === 0 && <p className="muted">No file changes to show.</p>}
        </nav>

        <div className="diff-pane">
          {path && (
            <div className="diff-toolbar" role="toolbar" aria-label="How to show the change">
              <code className="diff-path">{path}</code>
              <div className="seg" role="group" aria-label="Layout">
                <button type="button" aria-pressed={viewType === "unified"} onClick={() => setViewType("unified")}>
                  One column
                </button>
                <button type="button" aria-pressed={viewType === "split"} onClick={() => setViewType("split")}>
                  Side by side
                </button>
              </div>
              <label>
                <input type="checkbox" checked={hideWs} onChange={(e) => setHideWs(e.target.checked)} /> Hide space-only changes
              </label>
              <button type="button" className="quiet" onClick={() => setContext(context >= 1000 ? 3 : context === 3 ? 25 : 100000)}>
                {context === 3 ? "More context" : context === 25 ? "Whole file" : "Less context"}
              </button>
              <button type="button" className="quiet" onClick={() => view.current?.step(-1)} title="Previous change (p)" aria-label="Previous change">
                ↑
              </button>
              <button type="button" className="quiet" onClick={() => view.current?.step(1)} title="Next change (n)" aria-label="Next change">
                ↓
              </button>
            </div>
          )}
          {repairsHere.length > 0 && (
            <ul className="repairs-inline">
              {repairsHere.map((r, i) => (
                <li key={i}>Repaired: {r.message}</li>
              ))}
            </ul>
          )}
          {diff && diff.path === path ? (
            <DiffView ref={view} diff={diff} viewType={viewType} hideWhitespace={hideWs} />
          ) : (
            path && <div className="diff-loading" aria-busy="true" />
          )}
        </div>
        <PodNotes review={review} />
      </div>
    </section>
  );
}

function RejectForm({
  name,
  taskId,
  onCancel,
  onDone,
}: {
  name: string;
  taskId: string | null;
  onCancel: () => void;
  onDone: (r: Rejected) => void;
}) {
  const [note, setNote] = useState("");
  const [error, setError] = useState<Explained | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    try {
      onDone(await backend.rejectItem(name, note));
    } catch (e) {
      setError(explain(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="reject-form"
      data-testid="reject-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label htmlFor="reject-note">
        What should the pod change{taskId ? ` in ${taskId}` : ""}? Your note is saved with the task and turned into a prompt for
        the pod.
      </label>
      <textarea id="reject-note" value={note} onChange={(e) => setNote(e.target.value)} rows={4} required autoFocus />
      {error && <p className="form-error">{error.title} {error.detail}</p>}
      <div className="form-actions">
        <button type="button" className="quiet" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={busy || note.trim() === ""}>
          Send back to the pod
        </button>
      </div>
    </form>
  );
}
