import { ANY_PHASE, NO_FILTER, STATUS_ORDER, toggle, type BoardFilter, type Grouping } from "../../lib/board/board";
import { statusLabel } from "../../lib/format/format";

/** The board's tools: group by pod or status, the phase and status filters, and the search box. */
export function BoardTools({
  grouping,
  setGrouping,
  filter,
  setFilter,
  phases,
  filtering,
}: {
  grouping: Grouping;
  setGrouping: (g: Grouping) => void;
  filter: BoardFilter;
  setFilter: (f: BoardFilter) => void;
  /** The phases to offer (see `phasesOf`). */
  phases: string[];
  /** Some filter is on (offer to clear them). */
  filtering: boolean;
}) {
  const byPod = grouping === "pod";
  const phaseValue = filter.phases[0] ?? ANY_PHASE;
  return (
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
          onChange={(e) => setFilter({ ...filter, phases: e.target.value === ANY_PHASE ? [] : [e.target.value] })}
          data-testid="filter-phase"
        >
          <option value={ANY_PHASE}>All phases</option>
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
  );
}
