// The review loop on a card, in words: where a review request stands (in review, changes asked,
// approved, merged), its checks, and which of "Send back to the pod", "Merge", "Withdraw" and
// "Undo merge" the lead can use now (and why not). Pure functions, tested without a window.
import type { KnownReview, ReviewState } from "../ipc";
import { reviewWords } from "../board/board";

// The core's types (FeedbackSummary, ChecksState, MergeMethod in crates/forge/src/feedback.rs), as
// the bindings will carry them.
/** The checks run on the request's newest commit, in one word. */
export type ChecksState = "passing" | "failing" | "running" | "none";

/** How a repository lets a request be merged. */
export type MergeMethod = "merge" | "squash" | "rebase";

/** Where a request stands with its reviewers. */
export type Standing = "waiting" | "approved" | "changes_asked";

/** What reviewers said, in a few words. */
export type FeedbackSummary = { standing: Standing; asked_by: string[]; comments: number; checks: ChecksState };

/** What the window knows about one review request: its state, what reviewers said, its checks. */
export type RequestView = {
  number: number;
  /** The inbox item that was sent last. */
  item: string;
  state: ReviewState;
  /** What reviewers said (none yet: null). */
  feedback: FeedbackSummary | null;
  /** The methods the repository allows, in its order. */
  mergeMethods: MergeMethod[];
  /** True on the demo's practice remote (the practice reviewer can act on it). */
  practice: boolean;
  /** Its link (a web page on GitHub; a folder on the practice remote). */
  url: string;
};

/** A known request as the card shows it (what reviewers said and the methods, once the backend tells). */
export function viewOf(r: KnownReview & { feedback?: FeedbackSummary | null; merge_methods?: MergeMethod[] }): RequestView {
  const practice = !/^https?:\/\//.test(r.url);
  return { number: r.number, item: r.item, state: r.state, feedback: r.feedback ?? null, mergeMethods: r.merge_methods ?? ["merge"], practice, url: r.url };
}

/** One chip on a card: its words and its tone (for colour). */
export type Chip = { key: "state" | "verdict" | "checks"; text: string; tone: "ok" | "warn" | "bad" | "info" | "done" };

/** "Dana", "Dana and Sam", "Dana, Sam and Lee". */
export function names(who: string[]): string {
  if (who.length <= 1) return who[0] ?? "a reviewer";
  return `${who.slice(0, -1).join(", ")} and ${who[who.length - 1]}`;
}

const count = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** "Changes asked by Dana · 2 comments", "Approved", or null when nobody has said anything yet. */
export function verdictWords(f: FeedbackSummary | null): string | null {
  if (f?.standing === "changes_asked") return `Changes asked by ${names(f.asked_by)} · ${count(f.comments, "comment")}`;
  if (f?.standing === "approved") return "Approved";
  return null;
}

const changesAsked = (v: RequestView) => v.feedback?.standing === "changes_asked";

/** "Checks passing / failing / running", or null when the request has no checks. */
export function checksWords(c: ChecksState): string | null {
  return c === "none" ? null : `Checks ${c}`;
}

/** The words of the request's state: "In review #3", "Merged #3", "Closed #3". */
export function stateWords(v: Pick<RequestView, "number" | "state">): string {
  return reviewWords(v);
}

/** The chips a card shows for its request, in reading order. */
export function requestChips(v: RequestView): Chip[] {
  const chips: Chip[] = [{ key: "state", text: stateWords(v), tone: v.state === "merged" ? "done" : v.state === "open" ? "info" : "bad" }];
  if (v.state !== "open") return chips;
  const verdict = verdictWords(v.feedback);
  if (verdict) chips.push({ key: "verdict", text: verdict, tone: changesAsked(v) ? "warn" : "ok" });
  const c = v.feedback?.checks ?? "none";
  const checks = checksWords(c);
  if (checks) chips.push({ key: "checks", text: checks, tone: c === "passing" ? "ok" : c === "failing" ? "bad" : "warn" });
  return chips;
}

/** Why "Merge" cannot be used now, in one sentence, or null when it can. */
export function mergeBlocked(v: RequestView): string | null {
  if (v.state !== "open") return `Review request #${v.number} is not open any more.`;
  if (v.feedback && changesAsked(v)) return `${capital(names(v.feedback.asked_by))} asked for changes: send it back to the pod, or ask them to approve it first.`;
  if (v.feedback?.checks === "failing") return "The checks are failing: look at them on the request before merging.";
  if (v.feedback?.checks === "running") return "The checks are still running: wait until they pass.";
  if (v.mergeMethods.length === 0) return "The repository allows no way of merging; merge it on GitHub.";
  return null;
}

/** Which actions a card offers for its request. */
export function actionsFor(v: RequestView): { sendBack: boolean; merge: boolean; withdraw: boolean; undo: boolean } {
  const open = v.state === "open";
  return { sendBack: open && changesAsked(v), merge: open, withdraw: open, undo: v.state === "merged" };
}

/** Each merge method in plain words, for the question asked when several are allowed. */
export const METHOD_WORDS: Record<MergeMethod, string> = {
  merge: "Merge commit (keeps every commit of the request)",
  squash: "Squash (one commit with the whole change)",
  rebase: "Rebase (the request's commits, one after another)",
};

/** The method to use without asking (the only one allowed), or null when the lead must choose. */
export function onlyMethod(v: RequestView): MergeMethod | null {
  return v.mergeMethods.length === 1 ? v.mergeMethods[0] : null;
}

/** The send button's words: a revision updates its request, anything else is sent for review. */
export function sendLabel(updates: number | null): string {
  return updates === null ? "Send for review" : `Update review request #${updates}`;
}

/** The line the practice reviewer comments on, or why it is not one ("12" → 12). */
export function lineNumber(text: string): number | string {
  const t = text.trim();
  if (!/^[0-9]+$/.test(t) || Number(t) < 1) return "Give the line as a number, 1 or more.";
  return Number(t);
}

/** "practice reviewer" → "Practice reviewer", to start a sentence. */
function capital(words: string): string {
  return words.charAt(0).toUpperCase() + words.slice(1);
}
