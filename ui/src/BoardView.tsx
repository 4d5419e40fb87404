import { useEffect, useRef, useState } from "react";
import { writeText } from "@tauri-apps/plugin-clipboard-manager";
import type { Board, Pod, Task } from "./bindings";
import { backend } from "./ipc";
import { explain, type Explained } from "./errors";
import { podLabel, statusLabel } from "./format";

type Drag = { task: Task; x: number; y: number; over: string | null; started: boolean; startX: number; startY: number };

/** The column (pod key) under a screen point, if any. */
function podAt(x: number, y: number): string | null {
  const el = document.elementFromPoint(x, y);
  const col = el?.closest<HTMLElement>("[data-testid='board-column']");
  return col?.dataset.pod || null;
}

/**
 * The board: one column per pod, each task a card. Drag a card to another pod (or use its
 * "Hand off…" button) to hand the task over; Patchdesk records it and gives you the prompt.
 */
export function BoardView({ board, onChanged, toast }: { board: Board; onChanged?: () => void; toast?: (text: string) => void }) {
  const [drag, setDrag] = useState<Drag | null>(null);
  const [handing, setHanding] = useState<{ task: Task; to: string | null } | null>(null);
  const dragRef = useRef<Drag | null>(null);
  dragRef.current = drag;

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

  const columns = board.pods.map((pod) => ({ pod, tasks: board.tasks.filter((t) => t.pod === pod.key) }));
  const unassigned = board.tasks.filter((t) => !t.pod || !board.pods.some((p) => p.key === t.pod));
  const startDrag = (task: Task) => (e: React.PointerEvent) => {
    if (e.button !== 0 || (e.target as HTMLElement).closest("button")) return;
    setDrag({ task, x: e.clientX, y: e.clientY, startX: e.clientX, startY: e.clientY, over: null, started: false });
  };

  return (
    <section className="panel board" aria-labelledby="board-heading">
      <div className="panel-head">
        <h2 id="board-heading">Board</h2>
        <span className="count">{board.tasks.length} tasks · drag a card to another pod to hand it over</span>
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
      <div className={drag?.started ? "columns dragging" : "columns"}>
        {columns.map(({ pod, tasks }) => (
          <div
            className={drag?.started && drag.over === pod.key && drag.task.pod !== pod.key ? "column drop-target" : "column"}
            key={pod.key}
            data-testid="board-column"
            data-pod={pod.key}
          >
            <h3>
              {pod.name} <span className="count">{tasks.length}</span>
            </h3>
            {tasks.length === 0 ? (
              <p className="empty-column">Nothing here yet</p>
            ) : (
              tasks.map((t) => (
                <TaskCard key={t.id} task={t} onPointerDown={startDrag(t)} onHandOff={() => setHanding({ task: t, to: null })} lifted={drag?.started === true && drag.task.id === t.id} />
              ))
            )}
          </div>
        ))}
        {unassigned.length > 0 && (
          <div className="column" data-testid="board-column" data-pod="">
            <h3>
              No pod yet <span className="count">{unassigned.length}</span>
            </h3>
            {unassigned.map((t) => (
              <TaskCard key={t.id} task={t} onPointerDown={startDrag(t)} onHandOff={() => setHanding({ task: t, to: null })} lifted={false} />
            ))}
          </div>
        )}
      </div>
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
              await writeText(prompt);
              toast?.(`Handed ${handing.task.id} to the ${toName}. Its prompt is on your clipboard.`);
            } catch {
              toast?.(`Handed ${handing.task.id} to the ${toName}. The prompt is saved in the project.`);
            }
            onChanged?.();
          }}
        />
      )}
    </section>
  );
}

function TaskCard({ task, onPointerDown, onHandOff, lifted }: { task: Task; onPointerDown: (e: React.PointerEvent) => void; onHandOff: () => void; lifted: boolean }) {
  return (
    <article
      className={lifted ? "task-card lifted" : "task-card"}
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
        {task.phase && <span>{task.phase}</span>}
        {task.ready && <span className="ready-flag">Up next for {podLabel(task.pod)}</span>}
        {!task.ready && task.waiting_on.length > 0 && <span>Waits for {task.waiting_on.join(", ")}</span>}
      </div>
      <button type="button" className="link" onClick={onHandOff} data-testid="hand-off">
        Hand off…
      </button>
    </article>
  );
}

function HandoffDialog({
  task,
  to,
  pods,
  onCancel,
  onDone,
}: {
  task: Task;
  to: string | null;
  pods: Pod[];
  onCancel: () => void;
  onDone: (prompt: string, toName: string) => void;
}) {
  const choices = pods.filter((p) => p.key !== task.pod);
  const [target, setTarget] = useState(to ?? choices[0]?.key ?? "");
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Explained | null>(null);
  const toName = pods.find((p) => p.key === target)?.name ?? target;
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await backend.handOffTask(task.id, target, reason);
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
        {task.inputs.length > 0 && (
          <div>
            <span className="muted">Files the pod will be pointed to:</span>
            <ul className="input-files">
              {task.inputs.map((f) => (
                <li key={f}>
                  <code>{f}</code>
                </li>
              ))}
            </ul>
          </div>
        )}
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
