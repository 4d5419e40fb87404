import { backend, type KnownReview, type Task } from "../../lib/ipc";
import { statusLabel, podLabel } from "../../lib/format/format";
import { reviewWords } from "../../lib/board/board";

/** One task on the board: id, status, title, pod and phase, its review request, and "Hand off…". */
export function TaskCard({
  task,
  podName,
  draggable,
  onPointerDown,
  onHandOff,
  lifted,
  review,
}: {
  task: Task;
  /** The task's newest review request, if it was sent for review. */
  review: KnownReview | null;
  /** Shown on the card when the columns are not pods. */
  podName: string | null;
  draggable: boolean;
  onPointerDown: (e: React.PointerEvent) => void;
  onHandOff: () => void;
  lifted: boolean;
}) {
  return (
    <article
      className={["task-card", lifted && "lifted", !draggable && "still"].filter(Boolean).join(" ")}
      data-testid="task-card"
      data-task={task.id}
      aria-label={`${task.id}: ${task.title}`}
      onPointerDown={onPointerDown}
    >
      <div className="task-top">
        <span className="task-id">{task.id}</span>
        <span className={`status status-${task.status}`}>{statusLabel(task.status)}</span>
      </div>
      <p className="task-title">{task.title}</p>
      <div className="task-meta">
        {podName && <span className="task-pod">{podName}</span>}
        {task.phase && <span>{task.phase}</span>}
        {task.ready && <span className="ready-flag">Up next for {podLabel(task.pod)}</span>}
        {!task.ready && task.waiting_on.length > 0 && <span>Waits for {task.waiting_on.join(", ")}</span>}
      </div>
      {review && (
        <button
          type="button"
          className={`review-chip review-${review.state}`}
          data-testid="review-chip"
          data-state={review.state}
          title={/^https?:/.test(review.url) ? "Open the review request" : review.url}
          onClick={() => /^https?:/.test(review.url) && void backend.openGithubPage(review.url).catch(() => undefined)}
        >
          {reviewWords(review)}
        </button>
      )}
      {review && (
        <span className="task-patch" title={review.item} data-testid="task-patch">
          {review.item}
        </span>
      )}
      <button type="button" className="link" onClick={onHandOff} data-testid="hand-off">
        Hand off…
      </button>
    </article>
  );
}
