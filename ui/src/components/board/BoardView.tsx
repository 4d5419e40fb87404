import { useState } from "react";
import type { Board, Task } from "../../lib/ipc";
import { plural, podLabel } from "../../lib/format/format";
import { columnsFor, describeFilter, filterTasks, isFiltering, NO_FILTER, phasesOf, savedGrouping, saveGrouping, type BoardFilter, type Grouping } from "../../lib/board/board";
import { afterHandoff } from "../../lib/board/handoff";
import { useBoardDrag } from "../../lib/board/useBoardDrag";
import { useKnownReviews } from "../../lib/board/useKnownReviews";
import { loopCalls } from "../../lib/review/loopCalls";
import { useRequestViews } from "../../lib/review/useRequestViews";
import { BoardTools } from "./BoardTools";
import { HandoffDialog } from "./HandoffDialog";
import { RequestDialog } from "./RequestDialog";
import { TaskCard } from "./TaskCard";

/**
 * The board: one column per pod (or per status), each task a card. Drag a card to another pod
 * (or use its "Hand off…" button) to hand the task over; Patchdesk records it and gives you the
 * prompt. Filters (phase, status) and a search box narrow the cards; grouping is remembered.
 */
export function BoardView({ board, onChanged, toast }: { board: Board; onChanged?: () => void; toast?: (text: string) => void }) {
  const [handing, setHanding] = useState<{ task: Task; to: string | null } | null>(null);
  const [grouping, setGroupingState] = useState<Grouping>(() => savedGrouping());
  const [filter, setFilter] = useState<BoardFilter>(NO_FILTER);
  const [opened, setOpened] = useState<Task | null>(null);
  const byPod = grouping === "pod";
  // Dragging hands a task to another pod, so it only makes sense when columns are pods.
  const { drag, startDrag, cancelDrag } = useBoardDrag(byPod, (task, to) => setHanding({ task, to }));
  const { reviews, checking, checkReviews } = useKnownReviews(board, onChanged, toast);
  const views = useRequestViews(reviews);

  const setGrouping = (g: Grouping) => {
    cancelDrag();
    setGroupingState(g);
    saveGrouping(g);
  };
  const visible = filterTasks(board.tasks, filter);
  const columns = columnsFor(board.pods, board.tasks, visible, grouping, filter);
  const phases = phasesOf(board.tasks);
  const filtering = isFiltering(filter);
  const nothingMatches = filtering && visible.length === 0 && board.tasks.length > 0;
  const podName = (key: string | null) => board.pods.find((p) => p.key === key)?.name ?? podLabel(key);

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
      <BoardTools grouping={grouping} setGrouping={setGrouping} filter={filter} setFilter={setFilter} phases={phases} filtering={filtering} />
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
                    review={views.get(t.id) ?? null}
                    draggable={byPod}
                    onPointerDown={startDrag(t)}
                    onHandOff={() => setHanding({ task: t, to: null })}
                    onRequest={() => setOpened(t)}
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
      {opened && reviews.get(opened.id) && views.get(opened.id) && (
        <RequestDialog
          task={opened.id}
          title={opened.title}
          item={reviews.get(opened.id)!.item}
          view={views.get(opened.id)!}
          calls={loopCalls}
          onClose={() => setOpened(null)}
          onDone={(words) => {
            toast?.(words);
            onChanged?.();
          }}
        />
      )}
      {handing && (
        <HandoffDialog
          task={handing.task}
          to={handing.to}
          pods={board.pods}
          onCancel={() => setHanding(null)}
          onDone={async (done, toName) => {
            setHanding(null);
            await afterHandoff(handing.task.id, toName, done, toast, onChanged);
          }}
        />
      )}
    </section>
  );
}
