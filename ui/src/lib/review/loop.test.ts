import { describe, expect, it } from "vitest";
import { actionsFor, lineNumber, mergeBlocked, onlyMethod, requestChips, sendLabel, type FeedbackSummary, type RequestView } from "./loop";

type Over = Partial<Omit<RequestView, "feedback">> & Partial<FeedbackSummary>;
const open = ({ standing = "waiting", asked_by = [], comments = 0, checks = "none", ...over }: Over = {}): RequestView => ({
  number: 3, item: "f22.diff", state: "open", feedback: { standing, asked_by, comments, checks }, mergeMethods: ["merge"], practice: true, url: "/demo/practice-remote.git#branch-x", ...over,
});
const texts = (v: RequestView) => requestChips(v).map((c) => c.text);

describe("a card's review request in words", () => {
  it("says who asked for changes and how many comments, then the checks", () => {
    expect(texts(open())).toEqual(["In review #3"]);
    expect(texts(open({ standing: "changes_asked", asked_by: ["Dana"], comments: 2, checks: "failing" }))).toEqual(["In review #3", "Changes asked by Dana · 2 comments", "Checks failing"]);
    expect(texts(open({ standing: "changes_asked", asked_by: ["Dana", "Sam", "Lee"], comments: 1 }))[1]).toBe("Changes asked by Dana, Sam and Lee · 1 comment");
    expect(texts(open({ standing: "approved", checks: "passing" }))).toEqual(["In review #3", "Approved", "Checks passing"]);
    // a merged or withdrawn request says only that
    expect(texts(open({ state: "merged", standing: "approved", checks: "passing" }))).toEqual(["Merged #3"]);
    expect(texts(open({ state: "closed" }))).toEqual(["Closed #3"]);
  });

  it("refuses Merge with the reason while changes are asked or checks fail or run", () => {
    expect(mergeBlocked(open({ standing: "approved", checks: "passing" }))).toBeNull();
    expect(mergeBlocked(open())).toBeNull(); // needs no approval
    expect(mergeBlocked(open({ standing: "changes_asked", asked_by: ["Dana"] }))).toMatch(/^Dana asked for changes: send it back to the pod/);
    expect(mergeBlocked(open({ checks: "failing" }))).toMatch(/checks are failing/);
    expect(mergeBlocked(open({ checks: "running" }))).toMatch(/still running/);
    expect(mergeBlocked(open({ state: "merged" }))).toMatch(/not open any more/);
    expect(mergeBlocked(open({ mergeMethods: [] }))).toMatch(/allows no way of merging/);
  });

  it("offers Send back only when changes are asked, and Undo merge only once merged", () => {
    expect(actionsFor(open())).toEqual({ sendBack: false, merge: true, withdraw: true, undo: false });
    expect(actionsFor(open({ standing: "changes_asked", asked_by: ["Dana"] })).sendBack).toBe(true);
    expect(actionsFor(open({ state: "merged" }))).toEqual({ sendBack: false, merge: false, withdraw: false, undo: true });
    expect(actionsFor(open({ state: "closed" }))).toEqual({ sendBack: false, merge: false, withdraw: false, undo: false });
  });

  it("asks for the merge method only when several are allowed", () => {
    expect(onlyMethod(open({ mergeMethods: ["squash"] }))).toBe("squash");
    expect(onlyMethod(open({ mergeMethods: ["merge", "squash"] }))).toBeNull();
  });

  it("names revisions and the send button", () => {
    expect(sendLabel(3)).toBe("Update review request #3");
    expect(sendLabel(null)).toBe("Send for review");
  });

  it("takes a line number only as a whole number from 1", () => {
    expect(lineNumber(" 12 ")).toBe(12);
    for (const bad of ["", "0", "-3", "1.5", "twelve"]) expect(typeof lineNumber(bad)).toBe("string");
  });
});
