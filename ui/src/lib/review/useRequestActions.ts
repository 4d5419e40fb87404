import { useState } from "react";
import { copyText } from "../ipc";
import { explain, type Explained } from "../errors/errors";
import type { MergeMethod, RequestView } from "./loop";

/** What the practice reviewer says: approve, or ask for changes with a comment (on a line of a file). */
export type PracticeReview = { verdict: "approved" } | { verdict: "changes_asked"; comment: string; path: string | null; line: number | null };

/** The backend's part of the review loop for one task's request (the commands, or a stand-in in tests). */
export type LoopCalls = {
  /** The request as it is now: what reviewers said, the checks, the allowed merge methods. */
  details: (task: string) => Promise<RequestView>;
  /** "Send back to the pod": the revision prompt (saved, committed) and where it was written. */
  sendBack: (task: string) => Promise<{ prompt: string; path: string }>;
  /** "Merge"; what it did in words when that is not the usual (an undo's request: the task back in progress). */
  merge: (task: string, method: MergeMethod) => Promise<string | void>;
  /** "Withdraw"; what it did in words when that is not the usual (an undo's request: the task stays done). */
  withdraw: (task: string, reason: string) => Promise<string | void>;
  /** "Undo merge": opens a revert request; its number. Missing while the backend cannot. */
  undoMerge?: (task: string) => Promise<number>;
  practiceReview: (task: string, number: number, review: PracticeReview) => Promise<void>;
  /** The practice reviewer presses the request's merge button (as a teammate would on GitHub). */
  practiceMerge: (task: string) => Promise<void>;
  /** The files the request changes (those of inbox item `item`), for the practice reviewer's line picker. */
  files: (item: string) => Promise<string[]>;
};

/** The action running now, for its button's "…ing" words. */
export type Busy = "send_back" | "merge" | "withdraw" | "undo" | "approve" | "ask" | "practice_merge" | null;

/**
 * The review loop's actions on task `task`: one at a time, each with its progress, its refusal
 * in plain words, and what it gave (the revision prompt, copied to the clipboard). `onDone` says
 * what happened in one sentence; the board is read again after every action.
 */
export function useRequestActions(task: string, number: number, calls: LoopCalls, onDone: (words: string) => void) {
  const [busy, setBusy] = useState<Busy>(null);
  const [error, setError] = useState<Explained | null>(null);
  const [prompt, setPrompt] = useState<{ text: string; path: string; copied: boolean } | null>(null);

  const run = async (what: Exclude<Busy, null>, act: () => Promise<string>): Promise<boolean> => {
    setBusy(what);
    setError(null);
    try {
      onDone(await act());
      return true;
    } catch (e) {
      setError(explain(e));
      return false;
    } finally {
      setBusy(null);
    }
  };

  return {
    busy,
    error,
    prompt,
    sendBack: () =>
      run("send_back", async () => {
        const r = await calls.sendBack(task);
        const copied = await copyText(r.prompt).then(
          () => true,
          () => false,
        );
        setPrompt({ text: r.prompt, path: r.path, copied });
        return copied ? `Sent ${task} back to the pod. The revision prompt is on your clipboard.` : `Sent ${task} back to the pod. Copy the revision prompt below.`;
      }),
    merge: (method: MergeMethod) => run("merge", async () => (await calls.merge(task, method)) || `Merged review request #${number}; ${task} is done.`),
    withdraw: (reason: string) =>
      run("withdraw", async () => (await calls.withdraw(task, reason)) || `Withdrew review request #${number}; ${task} is back with its pod and its patch back in the inbox.`),
    undo: calls.undoMerge && ((undoMerge) => () => run("undo", async () => `Opened review request #${await undoMerge(task)} to undo the merge of #${number}.`))(calls.undoMerge),
    approve: () => run("approve", async () => (await calls.practiceReview(task, number, { verdict: "approved" }), `The practice reviewer approved #${number}.`)),
    ask: (comment: string, path: string | null, line: number | null) =>
      run("ask", async () => (await calls.practiceReview(task, number, { verdict: "changes_asked", comment, path, line }), `The practice reviewer asked for changes on #${number}.`)),
    practiceMerge: () => run("practice_merge", async () => (await calls.practiceMerge(task), `The practice reviewer merged #${number}.`)),
  };
}

export type RequestActions = ReturnType<typeof useRequestActions>;
