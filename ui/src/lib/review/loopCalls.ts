// The review loop's calls to the backend, for the card's request dialog.
import { backend, type UserError } from "../ipc";
import type { LoopCalls } from "./useRequestActions";

const notYet = (): Promise<never> =>
  Promise.reject<never>({ code: "internal", message: "This version of Patchdesk cannot do this from the window yet." } satisfies UserError);

/** The backend's commands behind "Send back to the pod", "Merge", "Withdraw", "Undo merge" and the practice reviewer. */
export const loopCalls: LoopCalls = {
  details: notYet,
  sendBack: notYet,
  merge: notYet,
  withdraw: notYet,
  undoMerge: notYet,
  practiceReview: notYet,
  practiceMerge: notYet,
  /** The request's files: the files of the item that was sent. */
  files: async (item) => (await backend.reviewItem(item)).files.map((f) => f.path),
};
