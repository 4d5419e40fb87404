// The review loop's calls to the backend, for the card's request dialog.
import { backend, type MergeDone, type PracticeVerdict, type TaskReview, type Withdrawn } from "../ipc";
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

/** What merging an undo's request did ("Undid #1 with #2: F2.2 back in progress"); nothing for any other request. */
export function undoneWords(done: MergeDone): string | undefined {
  return done.report.reviews.find((r) => r.change === "undone" && r.number === done.number)?.summary;
}

/** What withdrawing an undo's request did (the task stays as it is); nothing for the task's own request. */
export function withdrawnWords(task: string, w: Withdrawn): string | undefined {
  return w.report.reviews.some((r) => r.number === w.number) ? undefined : `Withdrew review request #${w.number}, which would have undone the merge; ${task} stays done.`;
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
  merge: async (task, method) => undoneWords(await backend.mergeTask(task, method)),
  withdraw: async (task, reason) => withdrawnWords(task, await backend.withdrawReview(task, reason)),
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
