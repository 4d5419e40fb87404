import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { mockBackend, refusal, resetBackend } from "../../lib/ipc/mock";
import type { TaskReview, UndoDone } from "../../lib/ipc";
import { loopCalls } from "../../lib/review/loopCalls";
import type { RequestView } from "../../lib/review/loop";
import { RequestDialog } from "./RequestDialog";

afterEach(() => {
  cleanup();
  resetBackend();
});

const merged: RequestView = { number: 1, item: "f22.diff", state: "merged", feedback: null, mergeMethods: [], practice: true, url: "/demo/practice-remote.git#review-1" };

const asNow: TaskReview = {
  task: "F2.2",
  item: "f22.diff",
  number: 1,
  url: merged.url,
  state: "merged",
  branch: "chatgpt/dev/f2.2",
  forge: "practice",
  feedback: { reviews: [], comments: [], checks: { state: "none", each: [] } },
  summary: { standing: "waiting", asked_by: [], comments: 0, checks: "none" },
  merge_methods: [],
};

const undone: UndoDone = { task: "F2.2", reverts: 1, number: 2, url: "/demo/practice-remote.git#review-2", branch: "patchdesk/undo/f2.2-1", commit: "abc", state: "open", new: true };

function open() {
  const done: string[] = [];
  render(<RequestDialog task="F2.2" item="f22.diff" title="Stage guidance" view={merged} calls={loopCalls} onClose={() => undefined} onDone={(w) => done.push(w)} />);
  return done;
}

describe("Undo merge on a merged request", () => {
  it("shows the button, says it is working, and names the request that undoes the merge", async () => {
    let finish: (u: UndoDone) => void = () => undefined;
    const ipc = mockBackend({ taskReview: () => asNow, undoMerge: () => new Promise<UndoDone>((r) => (finish = r)) });
    const done = open();
    const button = (await screen.findByTestId("undo-merge")) as HTMLButtonElement;
    expect(button.textContent).toBe("Undo merge");
    expect(screen.queryByTestId("merge")).toBeNull();
    fireEvent.click(button);
    await waitFor(() => expect(button.textContent).toBe("Opening the undo…"));
    expect(button.disabled).toBe(true);
    finish(undone);
    await waitFor(() => expect(done).toEqual(["Opened review request #2 to undo the merge of #1."]));
    expect(ipc.argsOf("undoMerge")).toEqual([["F2.2"]]);
    expect(button.textContent).toBe("Undo merge");
  });

  it("shows a refusal in plain words when the change no longer comes out", async () => {
    mockBackend({
      taskReview: () => asNow,
      undoMerge: () => Promise.reject(refusal("undo_does_not_apply", "later changes in main touched the same lines of docs/fallback.md")),
    });
    const done = open();
    fireEvent.click(await screen.findByTestId("undo-merge"));
    const error = await screen.findByTestId("request-error");
    expect(error.getAttribute("data-code")).toBe("undo_does_not_apply");
    expect(error.textContent).toContain("can't be undone on its own any more");
    expect(error.textContent).toContain("docs/fallback.md");
    expect(done).toEqual([]);
  });
});
