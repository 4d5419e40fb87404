import { useRef, useState } from "react";
import { backend, copyText, type Board, type Rejected, type Task } from "../../lib/ipc";
import { podLabel } from "../../lib/format/format";
import { nextPod } from "../../lib/board/board";
import { afterHandoff } from "../../lib/board/handoff";
import { useReview } from "../../lib/review/useReview";
import { closesReview } from "../../lib/review/closing";
import { type DiffViewHandle, type ViewType } from "./DiffView";
import { PodNotes } from "./PodNotes";
import { ErrorPanel } from "../shared/ErrorPanel";
import { PromoteDialog } from "./PromoteDialog";
import { RiskNotice, confirmedRisks } from "./RiskNotice";
import { HandoffDialog } from "../board/HandoffDialog";
import { ReviewHeader } from "./ReviewHeader";
import { Findings } from "./Findings";
import { FileTree } from "./FileTree";
import { DiffPane } from "./DiffPane";
import { RejectForm } from "./RejectForm";
import { RevisionNotice } from "./RevisionNotice";

export function ReviewPane({
  name,
  target,
  onChanged,
  toast,
  board,
  updates = null,
  onClose,
}: {
  name: string;
  target: string;
  onChanged: () => void;
  toast: (text: string) => void;
  /** The project's board, so a sent change can be handed to the next pod from here. */
  board?: Board;
  /** The open review request this item is a revision of (sending it updates that request). */
  updates?: number | null;
  /** Closes the review: its lines leave the window's memory. Esc does the same. */
  onClose?: () => void;
}) {
  const [promoting, setPromoting] = useState(false);
  const [handing, setHanding] = useState<Task | null>(null);
  const [viewType, setViewType] = useState<ViewType>("unified");
  const [rejecting, setRejecting] = useState(false);
  const [rejected, setRejected] = useState<Rejected | null>(null);
  const [understood, setUnderstood] = useState(false);
  const view = useRef<DiffViewHandle>(null);
  const r = useReview(name, view, () => {
    setRejected(null);
    setUnderstood(false);
  });

  const { review, error, load, path, setPath, files, whole, showWhole } = r;
  if (error && !review) return <ErrorPanel error={error} onRetry={load} />;
  if (!review) return <section className="panel review" aria-busy="true" aria-label="Preparing the review" />;

  const item = review.item;
  const keep = async () => {
    await backend.setItemStatus(name, item.status === "rejected" ? "queued" : "reviewed");
    toast(item.status === "rejected" ? "Restored to the inbox." : "Kept for later.");
    onChanged();
    void load();
  };
  const task = board?.tasks.find((t) => t.id === item.task_id);
  const next = task && board ? nextPod(board.pods, task.pod) : null;

  return (
    <section className="panel review" aria-labelledby="review-heading" data-testid="review" data-outcome={review.outcome} onKeyDown={(e) => onClose && closesReview(e) && onClose()}>
      <ReviewHeader review={review} understood={understood} onKeep={keep} onReject={() => setRejecting(true)} onPromote={() => setPromoting(true)} onClose={onClose} updates={updates} />
      {promoting && (
        <PromoteDialog
          name={name}
          target={target}
          updates={updates}
          confirmedRisks={confirmedRisks(review.risks, understood)}
          onClose={() => {
            setPromoting(false);
            void load();
          }}
          onSent={(o) => {
            toast(!o.updated ? `Sent for review: request #${o.pr_number} on ${o.branch}.` : `Updated review request #${o.pr_number} on ${o.branch}.`);
            onChanged();
          }}
          handOff={
            task && board
              ? {
                  label: next ? `Hand ${task.id} to the ${next.name}…` : `Hand ${task.id} on…`,
                  start: () => {
                    setPromoting(false);
                    setHanding(task);
                  },
                }
              : undefined
          }
        />
      )}
      {handing && board && (
        <HandoffDialog
          task={handing}
          to={nextPod(board.pods, handing.pod)?.key ?? null}
          pods={board.pods}
          relatedPatch={item.file_name}
          onCancel={() => setHanding(null)}
          onDone={async (done, toName) => {
            setHanding(null);
            await afterHandoff(handing.id, toName, done, toast, onChanged);
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

      {item.status !== "promoted" && <RiskNotice risks={review.risks} understood={understood} onUnderstood={setUnderstood} />}
      <Findings review={review} />
      <RevisionNotice review={review} whole={whole} onWhole={showWhole} />
      <div className="review-body">
        <FileTree review={review} files={files} path={path} onPick={setPath} />
        <DiffPane review={review} path={path} lines={r.lines} error={r.fileError} context={r.context} onContext={r.setContext} view={view} layout={{ viewType, setViewType, hideWs: r.hideWs, setHideWs: r.setHideWs }} />
        <PodNotes review={review} />
      </div>
    </section>
  );
}
