import { useEffect, useRef, useState } from "react";
import { backend, copyText, type Board, type KnownReview, type Pod, type Task } from "../../lib/ipc";
import { sendBoard } from "../../lib/board/boardSync";
import { explain, type Explained } from "../../lib/errors/errors";
import { plural, podLabel, statusLabel } from "../../lib/format/format";
import { followSummary, reviewsByTask, reviewWords, columnsFor, filterTasks, isFiltering, NO_FILTER, phasesOf, savedGrouping, saveGrouping, STATUS_ORDER, toggle, type BoardFilter, type Grouping } from "../../lib/board/board";

type Drag = { task: Task; x: number; y: number; over: string | null; started: boolean; startX: number; startY: number };

/** The column (pod key) under a screen point, if any. */
function podAt(x: number, y: number): string | null {
  const el = document.elementFromPoint(x, y);
  const col = el?.closest<HTMLElement>("[data-testid='board-column']");
  return col?.dataset.pod || null;
}

/** The phase select's value for "any phase" (real phases are never this text). */
const ALL = "\u0000all";

/** The filters in words: "status Ready, phase Phase 2 and the search “parser”". */
function describeFilter(f: BoardFilter, phases: string[]): string {
  const parts: string[] = [];
  if (f.statuses.length) parts.push(`status ${f.statuses.map(statusLabel).join(" or ")}`);
  if (f.phases.length) parts.push(`phase ${f.phases.map((p) => (p && phases.includes(p) ? p : "“no phase”")).join(" or ")}`);
  if (f.search.trim()) parts.push(`the search “${f.search.trim()}”`);
  return parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}` : parts[0] ?? "the filters";
}

/**
 * The board: one column per pod (or per status), each task a card. Drag a card to another pod
 * (or use its "Hand off…" button) to hand the task over; Patchdesk records it and gives you the
 * prompt. Filters (phase, status) and a search box narrow the cards; grouping is remembered.
 */
export function BoardView({ board, onChanged, toast }: { board: Board; onChanged?: () => void; toast?: (text: string) => void }) {
  const [drag, setDrag] = useState<Drag | null>(null);
  const [handing, setHanding] = useState<{ task: Task; to: string | null } | null>(null);
  const [grouping, setGroupingState] = useState<Grouping>(() => savedGrouping());
  const [filter, setFilter] = useState<BoardFilter>(NO_FILTER);
  const dragRef = useRef<Drag | null>(null);
  dragRef.current = drag;
  const [reviews, setReviews] = useState<Map<string, KnownReview>>(new Map());
  const [checking, setChecking] = useState(false);

  // Each card's review request, as last seen (no network).
  useEffect(() => {
    backend.knownReviews().then((r) => setReviews(reviewsByTask(r)), () => setReviews(new Map()));
  }, [board]);

  const checkReviews = async () => {
    setChecking(true);
    try {
      const report = await backend.followReviews();
      toast?.(followSummary(report) ?? (report.reviews.length ? "No news: every review request is as it was." : "Nothing has been sent for review yet."));
      onChanged?.();
      setReviews(reviewsByTask(await backend.knownReviews()));
      await sendBoard(toast, true);
    } catch (e) {
      const x = explain(e);
      toast?.(`${x.title} ${x.detail}`);
    } finally {
      setChecking(false);
    }
  };

  useEffect(() => {
    if (!drag) return;
    const move = (e: PointerEvent) => {
      const d = dragRef.current;
      if (!d) return;
      const started = d.started || Math.hypot(e.clientX - d.startX, e.clientY - d.startY) > 6;
      setDrag({ ...d, x: e.clientX, y: e.clientY, started, over: started ? podAt(e.clientX, e.clientY) : null });
    };
    const up = (e: PointerEvent) => {
      const d = dragRef.current;
      setDrag(null);
      if (!d?.started) return;
      const to = podAt(e.clientX, e.clientY);
      if (to && to !== d.task.pod) setHanding({ task: d.task, to });
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
    return () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
    };
  }, [drag !== null]); // eslint-disable-line react-hooks/exhaustive-deps

  const setGrouping = (g: Grouping) => {
    setDrag(null);
    setGroupingState(g);
    saveGrouping(g);
  };
  const byPod = grouping === "pod";
  const visible = filterTasks(board.tasks, filter);
  const columns = columnsFor(board.pods, board.tasks, visible, grouping, filter);
  const phases = phasesOf(board.tasks);
  const filtering = isFiltering(filter);
  const nothingMatches = filtering && visible.length === 0 && board.tasks.length > 0;
  const podName = (key: string | null) => board.pods.find((p) => p.key === key)?.name ?? podLabel(key);
  // Dragging hands a task to another pod, so it only makes sense when columns are pods.
  const startDrag = (task: Task) => (e: React.PointerEvent) => {
    if (!byPod || e.button !== 0 || (e.target as HTMLElement).closest("button")) return;
    setDrag({ task, x: e.clientX, y: e.clientY, startX: e.clientX, startY: e.clientY, over: null, started: false });
  };
  const phaseValue = filter.phases[0] ?? ALL;

  return (
    <section className="panel board" aria-labelledby="board-heading">
      <div className="panel-head">
        <h2 id="board-heading">Board</h2>
        <button type="button" className="quiet" onClick={() => void checkReviews()} disabled={checking} data-testid="check-reviews">
          {checking ? "Checking reviews…" : "Check reviews"}
        </button>
        <span className="count" data-testid="board-count">
          {filtering ? `Showing ${visible.length} of ${plural(board.tasks.length, "task")}` : plural(board.tasks.length, "task")}
          {byPod ? " · drag a card to another pod to hand it over" : " · to hand a task over, use its Hand off… button or group by pod and drag"}
        </span>
      </div>
      <div className="board-tools" role="search" aria-label="Find tasks">
        <div className="seg" role="group" aria-label="Group by">
          <span className="board-tools-label" aria-hidden="true">
            Group by:
          </span>
          <button type="button" aria-pressed={byPod} onClick={() => setGrouping("pod")} data-testid="group-pod">
            Pod
          </button>
          <button type="button" aria-pressed={!byPod} onClick={() => setGrouping("status")} data-testid="group-status">
            Status
          </button>
        </div>
        <label className="board-phase">
          <span>Phase</span>
          <select
            value={phaseValue}
            onChange={(e) => setFilter({ ...filter, phases: e.target.value === ALL ? [] : [e.target.value] })}
            data-testid="filter-phase"
          >
            <option value={ALL}>All phases</option>
            {phases.map((p) => (
              <option key={p || "none"} value={p}>
                {p || "No phase"}
              </option>
            ))}
          </select>
        </label>
        <div className="status-chips" role="group" aria-label="Show only these statuses">
          {STATUS_ORDER.map((s) => (
            <button
              type="button"
              key={s}
              className="chip"
              aria-pressed={filter.statuses.includes(s)}
              onClick={() => setFilter({ ...filter, statuses: toggle(filter.statuses, s) })}
              data-testid="filter-status"
              data-status={s}
            >
              {statusLabel(s)}
            </button>
          ))}
        </div>
        <input
          type="search"
          className="board-search"
          placeholder="Search by id or title"
          aria-label="Search tasks by id or title"
          value={filter.search}
          onChange={(e) => setFilter({ ...filter, search: e.target.value })}
          onKeyDown={(e) => e.key === "Escape" && setFilter({ ...filter, search: "" })}
          data-testid="board-search"
        />
        {filtering && (
          <button type="button" className="quiet" onClick={() => setFilter(NO_FILTER)} data-testid="clear-filters">
            Clear filters
          </button>
        )}
      </div>
      {board.problems.length > 0 && (
        <ul className="problems" role="alert">
          {board.problems.map((p) => (
            <li key={`${p.path}:${p.line ?? 0}`}>
              <strong>Can't read a task file.</strong> {p.message} Patchdesk won't change this file until it is fixed.
            </li>
          ))}
        </ul>
      )}
      {nothingMatches ? (
        <div className="empty-state board-empty" data-testid="board-empty">
          <strong>No tasks match these filters.</strong>
          <p>
            None of the {plural(board.tasks.length, "task")} fits {describeFilter(filter, phases)}.
          </p>
          <button type="button" onClick={() => setFilter(NO_FILTER)}>
            Clear filters
          </button>
        </div>
      ) : (
        <div className={drag?.started ? "columns dragging" : "columns"} data-grouping={grouping}>
          {columns.map((col) => (
            <div
              className={drag?.started && byPod && col.key !== "" && drag.over === col.key && drag.task.pod !== col.key ? "column drop-target" : "column"}
              key={col.key || "no-pod"}
              data-testid="board-column"
              data-pod={byPod ? col.key : undefined}
              data-status={byPod ? undefined : col.key}
            >
              <h3>
                {col.title} <span className="count">{col.tasks.length}</span>
              </h3>
              {col.tasks.length === 0 ? (
                <p className="empty-column">{col.total === 0 ? "Nothing here yet" : "None match the filters"}</p>
              ) : (
                col.tasks.map((t) => (
                  <TaskCard
                    key={t.id}
                    task={t}
                    podName={byPod ? null : podName(t.pod)}
                    review={reviews.get(t.id) ?? null}
                    draggable={byPod}
                    onPointerDown={startDrag(t)}
                    onHandOff={() => setHanding({ task: t, to: null })}
                    lifted={drag?.started === true && drag.task.id === t.id}
                  />
                ))
              )}
            </div>
          ))}
        </div>
      )}
      {drag?.started && (
        <div className="drag-ghost" style={{ left: drag.x + 8, top: drag.y + 8 }} aria-hidden="true">
          {drag.task.id}: {drag.task.title}
        </div>
      )}
      {handing && (
        <HandoffDialog
          task={handing.task}
          to={handing.to}
          pods={board.pods}
          onCancel={() => setHanding(null)}
          onDone={async (prompt, toName) => {
            setHanding(null);
            try {
              await copyText(prompt);
              toast?.(`Handed ${handing.task.id} to the ${toName}. Its prompt is on your clipboard.`);
            } catch {
              toast?.(`Handed ${handing.task.id} to the ${toName}. The prompt is saved in the project.`);
            }
            onChanged?.();
            void sendBoard(toast);
          }}
        />
      )}
    </section>
  );
}

function TaskCard({
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

/** The handoff dialog: to which pod, why; on success the prompt for that pod. */
export function HandoffDialog({
  task,
  to,
  pods,
  onCancel,
  onDone,
  relatedPatch,
}: {
  task: Task;
  to: string | null;
  pods: Pod[];
  onCancel: () => void;
  onDone: (prompt: string, toName: string) => void;
  /** The patch this handoff follows from (recorded in the handoff log). */
  relatedPatch?: string | null;
}) {
  const choices = pods.filter((p) => p.key !== task.pod);
  const [target, setTarget] = useState(to ?? choices[0]?.key ?? "");
  const [reason, setReason] = useState("");
  const [files, setFiles] = useState(task.inputs.join("\n"));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Explained | null>(null);
  const toName = pods.find((p) => p.key === target)?.name ?? target;
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const list = files.split(/[\n,]/).map((f) => f.trim()).filter(Boolean);
      const r = await backend.handOffTask(task.id, target, reason, list, relatedPatch ?? null);
      onDone(r.prompt, toName);
    } catch (e) {
      setError(explain(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="dialog-backdrop">
      <form
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="handoff-title"
        data-testid="handoff-dialog"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
        onKeyDown={(e) => e.key === "Escape" && onCancel()}
      >
        <h2 id="handoff-title">
          Hand {task.id} from the {podLabel(task.pod)} to…
        </h2>
        <p className="muted">{task.title}</p>
        <label>
          Pod
          <select value={target} onChange={(e) => setTarget(e.target.value)} data-testid="handoff-to">
            {choices.map((p) => (
              <option key={p.key} value={p.key}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Why, in a sentence (goes into the log and the pod's prompt)
          <textarea value={reason} onChange={(e) => setReason(e.target.value)} rows={3} required autoFocus data-testid="handoff-reason" />
        </label>
        <label>
          Files the pod should work from (one per line; from the task)
          <textarea value={files} onChange={(e) => setFiles(e.target.value)} rows={Math.min(5, Math.max(2, task.inputs.length))} data-testid="handoff-files" />
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error.title} {error.detail} {error.next}
          </p>
        )}
        <div className="form-actions">
          <button type="button" className="quiet" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" disabled={busy || !target || reason.trim() === ""}>
            {busy ? "Handing off…" : `Hand off to the ${toName}`}
          </button>
        </div>
      </form>
    </div>
  );
}
