import { describe, expect, it } from "vitest";
import type { InboxItem } from "../ipc";
import { searchItems, sortItems } from "./inbox";
import { checkBadge } from "../format/format";

const item = (name: string, task: string | null, pod: string | null, received: string, summary: string | null = null): InboxItem =>
  ({ name, file_name: `${name}.diff`, task_id: task, pod, summary, received_at: received }) as unknown as InboxItem;

const items = [
  item("a", "F2.10", "DevPod", "2026-11-20T10:00:00Z", "Stage guidance"),
  item("b", "F2.2", "QAPod", "2026-11-21T09:00:00Z", "Tests for stages"),
  item("c", null, null, "2026-11-19T08:00:00Z"),
];

describe("inbox search and order", () => {
  it("matches every word in task, pod, summary or file name", () => {
    expect(searchItems(items, "stage").map((i) => i.name)).toEqual(["a", "b"]);
    expect(searchItems(items, "qa tests").map((i) => i.name)).toEqual(["b"]);
    expect(searchItems(items, "c.diff").map((i) => i.name)).toEqual(["c"]);
    expect(searchItems(items, " ")).toHaveLength(3);
  });
  it("orders by arrival, task (numbers in order) or pod, unknowns last", () => {
    expect(sortItems(items, "newest").map((i) => i.name)).toEqual(["b", "a", "c"]);
    expect(sortItems(items, "oldest").map((i) => i.name)).toEqual(["c", "a", "b"]);
    expect(sortItems(items, "task").map((i) => i.name)).toEqual(["b", "a", "c"]);
    expect(sortItems(items, "pod").map((i) => i.name)).toEqual(["a", "b", "c"]);
  });
});

describe("checkBadge", () => {
  it("words each outcome like the review does", () => {
    expect(checkBadge({ outcome: "clean", repairs: 0, problem_files: 0, problem: null }).text).toBe("Applies cleanly");
    expect(checkBadge({ outcome: "repaired", repairs: 3, problem_files: 0, problem: null }).text).toBe("Repaired — 3 fixes");
    expect(checkBadge({ outcome: "conflict", repairs: 0, problem_files: 2, problem: "x" })).toEqual({ text: "Conflicts in 2 files", tone: "bad" });
    expect(checkBadge({ outcome: "refused", repairs: 0, problem_files: 1, problem: "src/a.py is not in the base" }).text).toBe(
      "Can't be applied: src/a.py is not in the base",
    );
  });
});
