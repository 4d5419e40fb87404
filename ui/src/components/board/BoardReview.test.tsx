import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import type { Board, FeedbackSummary, KnownReview, TaskReview } from "../../lib/ipc";
import { mockBackend, resetBackend } from "../../lib/ipc/mock";
import { BoardView } from "./BoardView";

afterEach(() => {
  cleanup();
  resetBackend();
});

const F22 = {
  id: "F2.2", title: "Stage guidance", description: "", phase: null, category: null, pod: "DevPod", pod_raw: "DevPod", pod_owner: "DevPod", assigned_pod: null,
  assigned_to: null, status: "review", status_raw: "review", ready_flag: null, done_flag: null, done: false, ready: false, depends_on: [], waiting_on: [],
  created_at: null, updated_at: null, priority: null, prompt: null, inputs: [], outputs: [], feedback_file: null, created_by: null, handoff_from: null,
  notes: null, other_fields: [], source: { file: "task.yaml", layout: "task_list", line: 1, key_path: ["tasks", "F2.2"] },
} as const;
const board: Board = { pods: [{ key: "DevPod", name: "Dev Pod", template: "", aliases: [], configured: true }], tasks: [{ ...F22, waiting_on: [], depends_on: [], inputs: [], outputs: [], other_fields: [], source: { ...F22.source, key_path: ["tasks", "F2.2"] } }], problems: [] };

const URL = "/data/demo/practice-remote.git#branch-chatgpt/dev/f2.2";
const known = (): KnownReview => ({ item: "f22.diff", task_id: "F2.2", pod: "DevPod", number: 1, url: URL, state: "open" });
const asked: FeedbackSummary = { standing: "changes_asked", asked_by: ["practice reviewer"], comments: 1, checks: "none" };
function taskReview(summary: FeedbackSummary): TaskReview {
  return {
    task: "F2.2", item: "f22.diff", number: 1, url: URL, state: "open", branch: "chatgpt/dev/f2.2", forge: "practice", merge_methods: ["merge"], summary,
    feedback: { reviews: [], comments: [], checks: { state: "none", each: [] } },
  };
}

describe("the review loop on the board", () => {
  it("shows changes asked on the card; the practice reviewer's approval is followed at once and Merge becomes possible", async () => {
    let summary = asked;
    const ipc = mockBackend({
      knownReviews: () => [known()],
      taskReview: () => taskReview(summary),
      practiceReview: () => ((summary = { standing: "approved", asked_by: [], comments: 1, checks: "none" }), null),
      followReviews: () => ({ report: { reviews: [], commit: null, warnings: [] }, board: null, error: null }),
    });
    const toasts: string[] = [];
    render(<BoardView board={board} toast={(t) => toasts.push(t)} />);
    const card = screen.getByTestId("task-card");
    expect((await within(card).findByTestId("request-verdict")).textContent).toBe("Changes asked by practice reviewer · 1 comment");
    fireEvent.click(within(card).getByTestId("review-chip"));
    const dialog = await screen.findByTestId("request-dialog");
    expect((within(dialog).getByTestId("merge") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(within(dialog).getByTestId("practice-approve"));
    await waitFor(() => expect(within(dialog).getByTestId("request-verdict").textContent).toBe("Approved"));
    expect((within(dialog).getByTestId("merge") as HTMLButtonElement).disabled).toBe(false);
    expect(ipc.argsOf("practiceReview")).toEqual([[1, { kind: "approve" }]]);
    expect(ipc.calls.map((c) => c.command)).toContain("followReviews");
    expect(toasts).toContain("The practice reviewer approved #1.");
  });

  it("sends back to the pod: the revision prompt is on the clipboard", async () => {
    const ipc = mockBackend({
      knownReviews: () => [known()],
      taskReview: () => taskReview(asked),
      sendBackToPod: () => ({ task: "F2.2", pod: "DevPod", revision: 2, prompt: "Revise F2.2", prompt_path: "prompts/used/DevPod/F2.2_revision_2.txt", feedback_file: ".logs/feedback/F2.2.md", commit: "abc", new: true, warnings: [] }),
    });
    render(<BoardView board={board} />);
    fireEvent.click(await within(screen.getByTestId("task-card")).findByTestId("review-chip"));
    fireEvent.click(await screen.findByTestId("send-back"));
    expect((await screen.findByTestId("revision-prompt")).textContent).toContain("prompts/used/DevPod/F2.2_revision_2.txt");
    expect(ipc.clipboard).toEqual(["Revise F2.2"]);
  });
});
