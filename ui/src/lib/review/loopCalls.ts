// The review loop's calls to the backend, for the card's request dialog.
import { backend, type PracticeVerdict, type TaskReview } from "../ipc";
import type { RequestView } from "./loop";
import type { LoopCalls, PracticeReview } from "./useRequestActions";

/** A task's request as the backend reads it now, as the dialog shows it. */
export function viewOfTask(t: TaskReview): RequestView {
  return { number: t.number, item: t.item, state: t.state, feedback: t.summary, mergeMethods: t.merge_methods, practice: t.forge === "practice", url: t.url };
}

/** The practice reviewer's words as the backend takes them. */
export function verdictOf(r: PracticeReview): PracticeVerdict {
  return r.verdict === "approved" ? { kind: "approve" } : { kind: "ask_for_changes", text: r.comment, file: r.path, line: r.line };
}

/**
 * The backend's commands behind "Send back to the pod", "Merge", "Withdraw", "Undo merge" and
 * the practice reviewer. After the practice reviewer speaks, the reviews are followed at once
 * (as the minute's round would), so the card shows it.
 */
export const loopCalls: LoopCalls = {
  details: async (task) => viewOfTask(await backend.taskReview(task)),
  sendBack: async (task) => {
    const r = await backend.sendBackToPod(task);
    return { prompt: r.prompt, path: r.prompt_path };
  },
  merge: async (task, method) => void (await backend.mergeTask(task, method)),
  withdraw: async (task, reason) => void (await backend.withdrawReview(task, reason)),
  /** Opens (or, asked again, finds) the request that takes the merged change out; its number. */
  undoMerge: async (task) => (await backend.undoMerge(task)).number,
  practiceReview: async (_task, number, review) => {
    await backend.practiceReview(number, verdictOf(review));
    await backend.followReviews();
  },
  practiceMerge: async (task) => {
    await backend.mergeTask(task, null);
  },
  /** The request's files: the files of the item that was sent. */
  files: async (item) => (await backend.reviewItem(item)).files.map((f) => f.path),
};
