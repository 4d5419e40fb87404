import type { Review } from "../../lib/ipc";
import { outcomeBadge, plural, podLabel, statusLabel } from "../../lib/format/format";
import { sendLabel } from "../../lib/review/loop";

/** The review's title line: the task, pod, file and size, how it applies, and what the lead can do. */
export function ReviewHeader({
  review,
  understood,
  onKeep,
  onReject,
  onPromote,
  onClose,
  updates = null,
}: {
  review: Review;
  /** The lead ticked "I understand" for the risky files (or there are none). */
  understood: boolean;
  onKeep: () => void;
  onReject: () => void;
  onPromote: () => void;
  /** Closes the review (back to the list's hint); absent where the review can't be closed. */
  onClose?: () => void;
  /** The open request this item revises: the button updates it. */
  updates?: number | null;
}) {
  const item = review.item;
  const badge = outcomeBadge(review);
  const waitForRisks = review.risks.length > 0 && !understood;
  return (
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
          <button type="button" onClick={onKeep}>
            Restore
          </button>
        ) : (
          <>
            <button type="button" className="quiet" onClick={onReject} data-testid="reject">
              Send back…
            </button>
            <button type="button" className="quiet" onClick={onKeep}>
              Keep for later
            </button>
            {review.tree && item.status !== "promoted" && (
              <button
                type="button"
                onClick={onPromote}
                disabled={waitForRisks}
                title={waitForRisks ? "Look at the files listed below and tick \u201cI understand\u201d first" : undefined}
                data-testid="send-for-review"
              >
                {sendLabel(updates)}
              </button>
            )}
          </>
        )}
        {onClose && (
          <button type="button" className="quiet close-review" onClick={onClose} title="Close this review (Esc)" data-testid="close-review">
            Close
          </button>
        )}
      </div>
    </header>
  );
}
