// What the board shows: which tasks pass the filters and search, and how they fall into columns.
// Pure functions, so the rules can be tested without a window.
import type { FollowReport, KnownReview, Pod, Task, TaskStatus } from "../ipc";
import { statusLabel } from "../format/format";

/** How the board's columns are chosen: one per pod, or one per status. */
export type Grouping = "pod" | "status";

/** The lead's filters. An empty list means "any". */
export type BoardFilter = {
  phases: string[];
  statuses: TaskStatus[];
  search: string;
};

/** No filter at all: every task shows. */
export const NO_FILTER: BoardFilter = { phases: [], statuses: [], search: "" };

/** The six statuses in the order work moves through them. */
export const STATUS_ORDER: TaskStatus[] = ["backlog", "planned", "ready", "in_progress", "review", "done"];

/** The phase filter's value for tasks that have no phase. */
export const NO_PHASE = "";

/** One column of the board. */
export type Column = {
  /** Pod key (pod grouping; "" for tasks with no known pod) or status (status grouping). */
  key: string;
  title: string;
  tasks: Task[];
  /** How many tasks belong here before filtering. */
  total: number;
};

/** True when the lead has narrowed the board in any way. */
export function isFiltering(f: BoardFilter): boolean {
  return f.phases.length > 0 || f.statuses.length > 0 || f.search.trim() !== "";
}

/**
 * Does the task match the search text? Every word typed must appear in the task's id or title,
 * ignoring case, so "f2 parser" finds "F2.1: Tests for the stage parser".
 */
export function matchesSearch(task: Task, search: string): boolean {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const text = `${task.id} ${task.title}`.toLowerCase();
  return words.every((w) => text.includes(w));
}

/** The tasks that pass every filter, in their original order. */
export function filterTasks(tasks: Task[], f: BoardFilter): Task[] {
  return tasks.filter(
    (t) =>
      (f.phases.length === 0 || f.phases.includes(t.phase ?? NO_PHASE)) &&
      (f.statuses.length === 0 || f.statuses.includes(t.status)) &&
      matchesSearch(t, f.search),
  );
}

/**
 * The phases to offer in the phase filter: each distinct phase once, in natural order
 * ("Phase 2" before "Phase 10"), with "no phase" last when some task has none.
 */
export function phasesOf(tasks: Task[]): string[] {
  const named = [...new Set(tasks.map((t) => t.phase).filter((p): p is string => !!p))];
  named.sort((a, b) => a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" }));
  return tasks.some((t) => !t.phase) ? [...named, NO_PHASE] : named;
}

/** Adds the value to the list, or removes it when it is already there. */
export function toggle<T>(list: T[], value: T): T[] {
  return list.includes(value) ? list.filter((v) => v !== value) : [...list, value];
}

/**
 * The board's columns for the visible tasks.
 *
 * Pod grouping: one column per pod (always all of them, so every pod stays a drop target), then
 * "No pod yet" when some task has no known pod. Status grouping: one column per status in
 * work order; when the lead filters by status, only those statuses get a column.
 */
export function columnsFor(pods: Pod[], all: Task[], visible: Task[], grouping: Grouping, f: BoardFilter = NO_FILTER): Column[] {
  if (grouping === "status") {
    const shown = f.statuses.length > 0 ? STATUS_ORDER.filter((s) => f.statuses.includes(s)) : STATUS_ORDER;
    return shown.map((s) => ({
      key: s,
      title: statusLabel(s),
      tasks: visible.filter((t) => t.status === s),
      total: all.filter((t) => t.status === s).length,
    }));
  }
  const known = (t: Task) => !!t.pod && pods.some((p) => p.key === t.pod);
  const columns: Column[] = pods.map((p) => ({
    key: p.key,
    title: p.name,
    tasks: visible.filter((t) => t.pod === p.key),
    total: all.filter((t) => t.pod === p.key).length,
  }));
  const orphans = all.filter((t) => !known(t));
  if (orphans.length > 0) {
    columns.push({ key: "", title: "No pod yet", tasks: visible.filter((t) => !known(t)), total: orphans.length });
  }
  return columns;
}

const GROUPING_KEY = "patchdesk.board.grouping";

/** The grouping the lead chose last time (pods when none was saved or storage is unavailable). */
export function savedGrouping(storage: Pick<Storage, "getItem"> | undefined = globalThis.localStorage): Grouping {
  try {
    return storage?.getItem(GROUPING_KEY) === "status" ? "status" : "pod";
  } catch {
    return "pod";
  }
}

/** Remembers the grouping for next time; a storage that refuses (private mode, full) is ignored. */
export function saveGrouping(g: Grouping, storage: Pick<Storage, "setItem"> | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(GROUPING_KEY, g);
  } catch {
    // the choice just won't be remembered
  }
}

/** The newest review request of each task (by task id), for the cards. */
export function reviewsByTask(reviews: KnownReview[]): Map<string, KnownReview> {
  const out = new Map<string, KnownReview>();
  for (const r of reviews) {
    if (!r.task_id) continue;
    const seen = out.get(r.task_id);
    if (!seen || r.number > seen.number) out.set(r.task_id, r);
  }
  return out;
}

/** A card's review chip: `In review #3`, `Merged #3`, `Closed #3`. */
export function reviewWords(r: Pick<KnownReview, "number" | "state">): string {
  const word = r.state === "open" ? "In review" : r.state === "merged" ? "Merged" : "Closed";
  return `${word} #${r.number}`;
}

/** One sentence about what checking the reviews changed, or null when nothing did. */
export function followSummary(report: FollowReport): string | null {
  const changed = report.reviews.filter((r) => r.change !== "unchanged");
  const said = [...changed.map((r) => r.summary), ...report.warnings];
  return said.length === 0 ? null : said.join(" ");
}

/** Who usually takes a task after `pod` once its change is sent: QA after Dev, Delivery after QA. */
export function nextPod(pods: Pod[], pod: string | null): Pod | null {
  const wanted: Record<string, string> = { DevPod: "QAPod", QAPod: "DeliveryPod", ResearchPod: "DevPod" };
  const key = pod ? wanted[pod] : undefined;
  return pods.find((p) => p.key === key) ?? pods.find((p) => p.key !== pod && p.key !== "Human") ?? null;
}

/** The phase select's value for "any phase" (real phases are never this text). */
export const ANY_PHASE = "\u0000all";

/** The filters in words: "status Ready, phase Phase 2 and the search “parser”". */
export function describeFilter(f: BoardFilter, phases: string[]): string {
  const parts: string[] = [];
  if (f.statuses.length) parts.push(`status ${f.statuses.map(statusLabel).join(" or ")}`);
  if (f.phases.length) parts.push(`phase ${f.phases.map((p) => (p && phases.includes(p) ? p : "“no phase”")).join(" or ")}`);
  if (f.search.trim()) parts.push(`the search “${f.search.trim()}”`);
  return parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}` : parts[0] ?? "the filters";
}
