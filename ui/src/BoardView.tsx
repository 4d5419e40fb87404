import type { Board, Task } from "./bindings";
import { podLabel, statusLabel } from "./format";

/** The board: one column per pod, each task as a card. */
export function BoardView({ board }: { board: Board }) {
  const columns = board.pods.map((pod) => ({
    pod,
    tasks: board.tasks.filter((t) => t.pod === pod.key),
  }));
  const unassigned = board.tasks.filter((t) => !t.pod || !board.pods.some((p) => p.key === t.pod));
  return (
    <section className="panel board" aria-labelledby="board-heading">
      <div className="panel-head">
        <h2 id="board-heading">Board</h2>
        <span className="count">{board.tasks.length} tasks</span>
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
      <div className="columns">
        {columns.map(({ pod, tasks }) => (
          <div className="column" key={pod.key} data-testid="board-column" data-pod={pod.key}>
            <h3>
              {pod.name} <span className="count">{tasks.length}</span>
            </h3>
            {tasks.length === 0 ? <p className="empty-column">Nothing here yet</p> : tasks.map((t) => <TaskCard key={t.id} task={t} />)}
          </div>
        ))}
        {unassigned.length > 0 && (
          <div className="column" data-testid="board-column" data-pod="">
            <h3>
              No pod yet <span className="count">{unassigned.length}</span>
            </h3>
            {unassigned.map((t) => (
              <TaskCard key={t.id} task={t} />
            ))}
          </div>
        )}
      </div>
    </section>
  );
}

function TaskCard({ task }: { task: Task }) {
  return (
    <article className="task-card" data-testid="task-card" data-task={task.id} aria-label={`${task.id}: ${task.title}`}>
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
    </article>
  );
}
