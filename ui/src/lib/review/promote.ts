// "Send for review": its steps in words, and what the lead typed turned into the choices sent.
import type { PromotePreview, SendChoices, Step, StepState } from "../ipc";

/** The steps of a send, in order, in words. */
export const STEPS: { step: Step; label: string }[] = [
  { step: "prepare", label: "Get the latest version of the project" },
  { step: "commit", label: "Make one commit with the change and its logs" },
  { step: "push", label: "Send the branch" },
  { step: "open_review", label: "Open the review request" },
  { step: "finish", label: "Add labels and reviewers" },
];

/** How far each step got, in words. */
export const STATE_WORD: Record<StepState, string> = { started: "Working…", done: "Done", skipped: "Already done", failed: "Failed" };

/** A comma- or space-separated list as typed, without blanks or repeats. */
export function splitList(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(/[,\n]/)) {
    const v = part.trim();
    if (v && !out.includes(v)) out.push(v);
  }
  return out;
}

/** What to send: only what differs from the defaults is sent, so settings stay in charge otherwise. */
export function sendChoices(
  f: { base: string; draft: boolean; title: string; body: string; labels: string; reviewers: string; branch?: string },
  defaults: PromotePreview | null,
  confirmedRisks: string[] = [],
): SendChoices {
  const labels = splitList(f.labels);
  const reviewers = splitList(f.reviewers.replace(/@/g, ""));
  const same = (a: string[], b: string[] | undefined) => b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
  return {
    base: f.base.trim() || null,
    draft: f.draft,
    branch: f.branch?.trim() && f.branch.trim() !== defaults?.branch ? f.branch.trim() : null,
    title: f.title.trim() && f.title.trim() !== defaults?.title ? f.title.trim() : null,
    body: f.body.trim() ? f.body : null,
    labels: same(labels, defaults?.labels) ? null : labels,
    reviewers: same(reviewers, defaults?.reviewers) ? null : reviewers,
    confirmed_risks: confirmedRisks,
  };
}
