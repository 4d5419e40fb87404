import type { Task } from "../../lib/ipc";
import { statusLabel, podLabel } from "../../lib/format/format";
import type { RequestView } from "../../lib/review/loop";
import { RequestChips } from "./RequestChips";

/** One task on the board: id, status, title, pod and phase, its review request (chips that open it), and "Hand off…". */
export function TaskCard({
  task,
  podName,
  draggable,
  onPointerDown,
  onHandOff,
  onRequest,
  lifted,
  review,
}: {
  task: Task;
  /** The task's newest review request, if it was sent for review. */
  review: RequestView | null;
  /** Shown on the card when the columns are not pods. */
  podName: string | null;
  draggable: boolean;
  onPointerDown: (e: React.PointerEvent) => void;
  onHandOff: () => void;
  /** Opens the request's dialog (what reviewers said, merge, send back…). */
  onRequest: () => void;
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
      {review && <RequestChips view={review} onOpen={onRequest} />}
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
