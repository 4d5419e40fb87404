import { describe, expect, it } from "vitest";
import type { Pod, Task, TaskStatus } from "../ipc";
import { columnsFor, filterTasks, isFiltering, matchesSearch, NO_FILTER, NO_PHASE, phasesOf, savedGrouping, saveGrouping, toggle } from "./board";
import { followSummary, nextPod, reviewsByTask, reviewWords } from "./board";

/** A task as the backend sends it, with only what a test cares about set. */
function task(id: string, title: string, pod: string | null, status: TaskStatus, phase: string | null = null): Task {
  return {
    id, title, description: "", phase, category: null, pod, pod_raw: pod, pod_owner: pod, assigned_pod: null, assigned_to: null,
    status, status_raw: status, ready_flag: null, done_flag: null, done: status === "done", ready: status === "ready",
    depends_on: [], waiting_on: [], created_at: null, updated_at: null, priority: null, prompt: null, inputs: [], outputs: [],
    feedback_file: null, created_by: null, handoff_from: null, notes: null, other_fields: [],
    source: { file: "task.yaml", layout: "task_list", line: 1, key_path: ["tasks", id] },
  };
}

const pods: Pod[] = ["DevPod", "QAPod", "DeliveryPod"].map((key) => ({ key, name: key.replace("Pod", " Pod"), template: "", aliases: [], configured: true }));

const tasks = [
  task("F1.1", "Stage parser", "DevPod", "done", "Phase 1 - Setup"),
  task("F2.1", "Tests for the stage parser", "QAPod", "ready", "Phase 2 - Development"),
  task("F2.2", "Stage guidance with a symptom fallback", "DevPod", "in_progress", "Phase 2 - Development"),
  task("F10.1", "Release notes", "DeliveryPod", "planned", "Phase 10 - Release"),
  task("R1", "Read the return-to-play literature", "WoWPod", "backlog", null),
];

describe("search", () => {
  it("matches id or title, ignoring case, every word must appear", () => {
    expect(matchesSearch(tasks[1], "f2.1")).toBe(true);
    expect(matchesSearch(tasks[1], "STAGE parser")).toBe(true);
    expect(matchesSearch(tasks[1], "f2 parser")).toBe(true);
    expect(matchesSearch(tasks[1], "parser release")).toBe(false);
    expect(matchesSearch(tasks[1], "   ")).toBe(true);
    expect(filterTasks(tasks, { ...NO_FILTER, search: "stage" }).map((t) => t.id)).toEqual(["F1.1", "F2.1", "F2.2"]);
    expect(filterTasks(tasks, { ...NO_FILTER, search: "nothing like this" })).toEqual([]);
  });
});

describe("filters", () => {
  it("narrows by phase and status together, an empty list meaning any", () => {
    expect(filterTasks(tasks, NO_FILTER)).toHaveLength(5);
    expect(filterTasks(tasks, { ...NO_FILTER, phases: ["Phase 2 - Development"] }).map((t) => t.id)).toEqual(["F2.1", "F2.2"]);
    expect(filterTasks(tasks, { ...NO_FILTER, statuses: ["ready", "planned"] }).map((t) => t.id)).toEqual(["F2.1", "F10.1"]);
    expect(filterTasks(tasks, { phases: ["Phase 2 - Development"], statuses: ["in_progress"], search: "" }).map((t) => t.id)).toEqual(["F2.2"]);
    expect(filterTasks(tasks, { ...NO_FILTER, phases: [NO_PHASE] }).map((t) => t.id)).toEqual(["R1"]);
  });

  it("knows when anything is filtered", () => {
    expect(isFiltering(NO_FILTER)).toBe(false);
    expect(isFiltering({ ...NO_FILTER, search: "  " })).toBe(false);
    expect(isFiltering({ ...NO_FILTER, search: "x" })).toBe(true);
    expect(isFiltering({ ...NO_FILTER, statuses: ["done"] })).toBe(true);
  });

  it("offers phases once each, in natural order, with 'no phase' last", () => {
    expect(phasesOf(tasks)).toEqual(["Phase 1 - Setup", "Phase 2 - Development", "Phase 10 - Release", NO_PHASE]);
    expect(phasesOf(tasks.slice(0, 2))).toEqual(["Phase 1 - Setup", "Phase 2 - Development"]);
  });

  it("toggles a chip on and off", () => {
    expect(toggle(["ready"], "done")).toEqual(["ready", "done"]);
    expect(toggle(["ready", "done"], "ready")).toEqual(["done"]);
  });
});

describe("columns", () => {
  it("by pod: every pod keeps its column (a drop target) and unknown pods go to 'No pod yet'", () => {
    const visible = filterTasks(tasks, { ...NO_FILTER, search: "parser" });
    const cols = columnsFor(pods, tasks, visible, "pod");
    expect(cols.map((c) => c.key)).toEqual(["DevPod", "QAPod", "DeliveryPod", ""]);
    expect(cols.map((c) => c.tasks.map((t) => t.id))).toEqual([["F1.1"], ["F2.1"], [], []]);
    expect(cols.map((c) => c.total)).toEqual([2, 1, 1, 1]);
    expect(cols[3].title).toBe("No pod yet");
    // no orphan column when every task has a known pod
    expect(columnsFor(pods, tasks.slice(0, 4), tasks.slice(0, 4), "pod").map((c) => c.key)).toEqual(["DevPod", "QAPod", "DeliveryPod"]);
  });

  it("by status: the six statuses in work order, or only the filtered ones", () => {
    const cols = columnsFor(pods, tasks, tasks, "status");
    expect(cols.map((c) => c.title)).toEqual(["Backlog", "Planned", "Ready", "In progress", "In review", "Done"]);
    expect(cols.map((c) => c.tasks.map((t) => t.id))).toEqual([["R1"], ["F10.1"], ["F2.1"], ["F2.2"], [], ["F1.1"]]);
    const f = { ...NO_FILTER, statuses: ["done" as const, "ready" as const] };
    expect(columnsFor(pods, tasks, filterTasks(tasks, f), "status", f).map((c) => c.key)).toEqual(["ready", "done"]);
  });
});

describe("remembered grouping", () => {
  it("round-trips through storage and falls back to pods", () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    expect(savedGrouping(storage)).toBe("pod");
    saveGrouping("status", storage);
    expect(savedGrouping(storage)).toBe("status");
    saveGrouping("pod", storage);
    expect(savedGrouping(storage)).toBe("pod");
    store.set([...store.keys()][0], "nonsense");
    expect(savedGrouping(storage)).toBe("pod");
    const broken = { getItem: () => { throw new Error("denied"); }, setItem: () => { throw new Error("full"); } };
    expect(savedGrouping(broken)).toBe("pod");
    expect(() => saveGrouping("status", broken)).not.toThrow();
  });
});

describe("review requests on cards", () => {
  const known = (task_id: string | null, number: number, state: "open" | "merged" | "closed") => ({
    item: `patch_${task_id}_${number}.diff`,
    task_id,
    pod: "DevPod",
    number,
    url: `https://github.com/o/r/pull/${number}`,
    state,
    checked_at: null,
  });
  it("keeps each task's newest request and words its state", () => {
    const m = reviewsByTask([known("F1", 2, "closed"), known("F1", 5, "open"), known(null, 9, "open"), known("F2", 3, "merged")]);
    expect([...m.keys()].sort()).toEqual(["F1", "F2"]);
    expect(reviewWords(m.get("F1")!)).toBe("In review #5");
    expect(reviewWords(m.get("F2")!)).toBe("Merged #3");
    expect(reviewWords(known("F3", 7, "closed"))).toBe("Closed #7");
  });
  it("summarises only what changed", () => {
    const r = (change: "unchanged" | "merged", summary: string) => ({
      item: "x", task_id: "F1", pod: null, number: 1, url: "", state: "merged" as const, change, not_modified: false, summary, unlocked: [], changed_files: [], warnings: [],
    });
    expect(followSummary({ reviews: [r("unchanged", "same")], commit: null, warnings: [] })).toBeNull();
    expect(followSummary({ reviews: [r("unchanged", "same"), r("merged", "Merged #1: F1 done.")], commit: "abc", warnings: [] })).toBe("Merged #1: F1 done.");
    expect(followSummary({ reviews: [r("merged", "Merged #1.")], commit: "abc", warnings: ["b.diff: made again on the newest base so it can still be merged"] })).toBe(
      "Merged #1. b.diff: made again on the newest base so it can still be merged",
    );
  });
});

describe("nextPod", () => {
  const pods = ["DevPod", "QAPod", "ResearchPod", "DeliveryPod", "Human"].map((key) => ({ key, name: key, template: "", aliases: [], configured: true }));
  it("suggests QA after Dev and Delivery after QA, else another working pod", () => {
    expect(nextPod(pods, "DevPod")?.key).toBe("QAPod");
    expect(nextPod(pods, "QAPod")?.key).toBe("DeliveryPod");
    expect(nextPod(pods, "DeliveryPod")?.key).toBe("DevPod");
    expect(nextPod(pods.filter((p) => p.key !== "QAPod"), "DevPod")?.key).toBe("ResearchPod");
  });
});
