import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render, screen, within } from "@testing-library/react";
import type { InboxItem, ItemCheck, KnownReview } from "../../lib/ipc";
import { revisionsOf, revisionWords } from "../../lib/review/revisions";
import { Inbox } from "./Inbox";

afterEach(cleanup);

function item(name: string, task: string | null, status: InboxItem["status"] = "queued"): InboxItem {
  return {
    name, file_name: name, path: `.patches/queue/${name}`, metadata_path: `.logs/patches/${name}.json`, task_id: task, feature: null, pod: "DevPod",
    summary: `Patch ${name}`, branch: null, timestamp: null, received_at: "2026-11-30T10:00:00Z", status, kind: { type: "diff", flavor: "git" },
    sha256: "0".repeat(64), size: 100, logs: [],
  };
}
const known = (item: string, task: string, number: number, state: KnownReview["state"]): KnownReview => ({ item, task_id: task, pod: "DevPod", number, url: "/remote.git#branch-x", state });

describe("revisions of an open review request", () => {
  it("marks a new download for a task whose request is open, and nothing else", () => {
    const items = [item("f22_v1.diff", "F2.2", "promoted"), item("f22_v2.diff", "F2.2"), item("f41.diff", "F4.1"), item("f31.diff", "F3.1"), item("loose.diff", null)];
    const reviews = [known("f22_v1.diff", "F2.2", 1, "open"), known("f31_old.diff", "F3.1", 2, "merged")];
    const r = revisionsOf(items, reviews);
    expect([...r.entries()]).toEqual([["f22_v2.diff", { number: 1, revision: 2 }]]);
    expect(revisionWords(r.get("f22_v2.diff")!)).toBe("Revision 2 of #1");
    // the backend's count of earlier versions, when it gives one
    expect(revisionsOf(items, [{ ...reviews[0], revisions: 2 }]).get("f22_v2.diff")).toEqual({ number: 1, revision: 3 });
    // an item sent back (rejected) is not offered as a revision
    expect(revisionsOf([item("f22_v2.diff", "F2.2", "rejected")], reviews).size).toBe(0);
  });

  it("shows “Revision 2 of #1” on the inbox item", () => {
    const items = [item("f22_v2.diff", "F2.2"), item("f41.diff", "F4.1")];
    render(<Inbox items={items} revisions={revisionsOf(items, [known("f22_v1.diff", "F2.2", 1, "open")])} />);
    const rev = screen.getAllByTestId("inbox-item").find((i) => i.getAttribute("data-task") === "F2.2")!;
    const other = screen.getAllByTestId("inbox-item").find((i) => i.getAttribute("data-task") === "F4.1")!;
    expect(within(rev).getByTestId("revision-of").textContent).toBe("Revision 2 of #1");
    expect(within(other).queryByTestId("revision-of")).toBeNull();
  });
});

describe("the badges' places while the inbox is checked", () => {
  const check = (name: string) => ({ name, outcome: "clean", repairs: 0, files: 1, added: 3, removed: 1, problem: null }) as unknown as ItemCheck;
  const rowOf = (task: string) => screen.getAllByTestId("inbox-item").find((i) => i.getAttribute("data-task") === task)!;

  it("holds a “Checking…” row for each waiting item until its badge comes, so the list does not move under the pointer", () => {
    const items = [item("a.diff", "A1"), item("b.diff", "B1", "reviewed"), item("c.diff", "C1", "promoted")];
    const { rerender } = render(<Inbox items={items} checks={{}} checking />);
    expect(within(rowOf("A1")).getByTestId("item-checking").textContent).toBe("Checking…");
    expect(within(rowOf("B1")).getByTestId("item-checking").textContent).toBe("Checking…");
    // a promoted item is never checked: no place is held for it
    expect(within(rowOf("C1")).queryByTestId("item-checking")).toBeNull();

    rerender(<Inbox items={items} checks={{ "a.diff": check("a.diff") }} checking={false} />);
    expect(within(rowOf("A1")).queryByTestId("item-checking")).toBeNull();
    expect(within(rowOf("A1")).getByTestId("item-check")).toBeTruthy();
    // the round ended without an answer for b: no row is left saying "Checking…" for ever
    expect(within(rowOf("B1")).queryByTestId("item-checking")).toBeNull();
  });
});
