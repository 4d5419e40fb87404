import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { mockBackend, refusal, resetBackend } from "../../lib/ipc/mock";
import type { FeedbackSummary, RequestView } from "../../lib/review/loop";
import type { LoopCalls, PracticeReview } from "../../lib/review/useRequestActions";
import { RequestDialog } from "./RequestDialog";

afterEach(() => {
  cleanup();
  resetBackend();
});

function view(feedback: FeedbackSummary | null, over: Partial<RequestView> = {}): RequestView {
  return { number: 1, item: "f22.diff", state: "open", feedback, mergeMethods: ["merge"], practice: true, url: "/demo/practice-remote.git#branch-chatgpt/dev/f2.2", ...over };
}
const asked: FeedbackSummary = { standing: "changes_asked", asked_by: ["practice reviewer"], comments: 2, checks: "none" };

/** A stand-in backend for the loop that records what it was asked. */
function fakeCalls(over: Partial<LoopCalls> = {}) {
  const said: string[] = [];
  const reviews: PracticeReview[] = [];
  const calls: LoopCalls = {
    details: async () => Promise.reject(new Error("not asked in these tests")),
    sendBack: async (t) => (said.push(`send back ${t}`), { prompt: "Revise F2.2:\n> src/rtp/guidance.py line 12: say which stage", path: ".logs/feedback/F2.2.md" }),
    merge: async (t, m) => void said.push(`merge ${t} ${m}`),
    withdraw: async (t, r) => void said.push(`withdraw ${t}: ${r}`),
    undoMerge: async (t) => (said.push(`undo ${t}`), 2),
    practiceReview: async (_t, _n, r) => void reviews.push(r),
    practiceMerge: async (t) => void said.push(`practice merge ${t}`),
    files: async () => ["src/rtp/guidance.py", "tests/test_guidance.py"],
    ...over,
  };
  return { calls, said, reviews };
}

function open(v: RequestView, calls: LoopCalls) {
  const done: string[] = [];
  render(<RequestDialog task="F2.2" item="f22.diff" title="Stage guidance" view={v} calls={calls} onClose={() => undefined} onDone={(w) => done.push(w)} />);
  return done;
}

describe("a card's review request", () => {
  it("sends a request with changes asked back to the pod: the revision prompt shows and is on the clipboard", async () => {
    const ipc = mockBackend();
    const { calls, said } = fakeCalls();
    const done = open(view(asked), calls);
    expect(screen.getByTestId("request-verdict").textContent).toBe("Changes asked by practice reviewer · 2 comments");
    // Merge waits: changes are asked
    expect((screen.getByTestId("merge") as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId("merge-blocked").textContent).toMatch(/^Practice reviewer asked for changes: send it back to the pod/);
    fireEvent.click(screen.getByTestId("send-back"));
    const prompt = await screen.findByTestId("revision-prompt");
    expect(prompt.textContent).toContain("The revision prompt is on your clipboard.");
    expect(prompt.textContent).toContain("line 12: say which stage");
    expect(prompt.textContent).toContain(".logs/feedback/F2.2.md");
    expect(ipc.clipboard).toEqual(["Revise F2.2:\n> src/rtp/guidance.py line 12: say which stage"]);
    expect(said).toEqual(["send back F2.2"]);
    expect(done).toEqual(["Sent F2.2 back to the pod. The revision prompt is on your clipboard."]);
  });

  it("merges with the only allowed method at once, and asks which when several are allowed", async () => {
    mockBackend();
    const one = fakeCalls();
    open(view({ standing: "approved", asked_by: [], comments: 0, checks: "passing" }), one.calls);
    expect(screen.getByTestId("request-checks").textContent).toBe("Checks passing");
    fireEvent.click(screen.getByTestId("merge"));
    await waitFor(() => expect(one.said).toEqual(["merge F2.2 merge"]));
    cleanup();

    const several = fakeCalls();
    open(view(null, { mergeMethods: ["merge", "squash"], practice: false, url: "https://github.com/o/r/pull/1" }), several.calls);
    expect(screen.queryByTestId("practice-reviewer")).toBeNull();
    fireEvent.click(screen.getByTestId("merge"));
    expect(several.said).toEqual([]);
    fireEvent.click(screen.getByLabelText("Squash (one commit with the whole change)"));
    fireEvent.click(screen.getByTestId("merge-confirm"));
    await waitFor(() => expect(several.said).toEqual(["merge F2.2 squash"]));
  });

  it("keeps Merge disabled with the reason while the checks fail", () => {
    mockBackend();
    open(view({ standing: "approved", asked_by: [], comments: 0, checks: "failing" }), fakeCalls().calls);
    expect(screen.getByTestId("request-checks").getAttribute("data-tone")).toBe("bad");
    const merge = screen.getByTestId("merge") as HTMLButtonElement;
    expect(merge.disabled).toBe(true);
    expect(merge.title).toMatch(/checks are failing/);
  });

  it("withdraws only with a reason, and shows a refusal in plain words", async () => {
    mockBackend();
    const { calls } = fakeCalls({ withdraw: async () => Promise.reject(refusal("no_remote", "the practice remote is gone")) });
    open(view(null), calls);
    fireEvent.click(screen.getByTestId("withdraw"));
    expect((screen.getByTestId("withdraw-confirm") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByTestId("withdraw-reason"), { target: { value: "The task was dropped" } });
    fireEvent.click(screen.getByTestId("withdraw-confirm"));
    const error = await screen.findByTestId("request-error");
    expect(error.getAttribute("data-code")).toBe("no_remote");
    expect(error.textContent).toContain("This project has nowhere to send changes to.");
    expect(error.textContent).toContain("the practice remote is gone");
    // the form stays, so the lead can try again
    expect(screen.getByTestId("withdraw-form")).toBeTruthy();
  });

  it("offers Undo merge on a merged request and says which request undoes it", async () => {
    mockBackend();
    const { calls, said } = fakeCalls();
    const done = open(view(null, { state: "merged" }), calls);
    expect(screen.queryByTestId("merge")).toBeNull();
    expect(screen.queryByTestId("practice-reviewer")).toBeNull();
    fireEvent.click(screen.getByTestId("undo-merge"));
    await waitFor(() => expect(done).toEqual(["Opened review request #2 to undo the merge of #1."]));
    expect(said).toEqual(["undo F2.2"]);
  });

  it("merges the undo's request like any other and says what the backend says it did", async () => {
    mockBackend();
    const { calls } = fakeCalls({ merge: async () => "Undid #1 with #2: F2.2 back in progress" });
    const done = open(view(null, { number: 2 }), calls);
    fireEvent.click(screen.getByTestId("merge"));
    await waitFor(() => expect(done).toEqual(["Undid #1 with #2: F2.2 back in progress"]));
  });

  it("lets the practice reviewer approve, and ask for changes on a line of one of the change's files", async () => {
    mockBackend();
    const { calls, reviews } = fakeCalls();
    open(view(null), calls);
    expect(screen.getByRole("heading", { name: "Practice reviewer (stands in for a teammate on GitHub)" })).toBeTruthy();
    fireEvent.click(screen.getByTestId("practice-approve"));
    await waitFor(() => expect(reviews).toEqual([{ verdict: "approved" }]));
    // one action at a time: "Ask for changes…" waits until the approval is done
    await waitFor(() => expect((screen.getByTestId("practice-ask") as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByTestId("practice-ask"));
    await waitFor(() => expect((screen.getByTestId("practice-file") as HTMLSelectElement).value).toBe("src/rtp/guidance.py"));
    fireEvent.change(screen.getByTestId("practice-comment"), { target: { value: "Say which stage the advice is for." } });
    fireEvent.change(screen.getByTestId("practice-file"), { target: { value: "tests/test_guidance.py" } });
    const send = screen.getByTestId("practice-ask-send") as HTMLButtonElement;
    fireEvent.change(screen.getByTestId("practice-line"), { target: { value: "zero" } });
    expect(send.disabled).toBe(true);
    expect(screen.getByText("Give the line as a number, 1 or more.")).toBeTruthy();
    fireEvent.change(screen.getByTestId("practice-line"), { target: { value: "12" } });
    fireEvent.click(send);
    await waitFor(() =>
      expect(reviews[1]).toEqual({ verdict: "changes_asked", comment: "Say which stage the advice is for.", path: "tests/test_guidance.py", line: 12 }),
    );
    expect(screen.queryByTestId("practice-ask-form")).toBeNull();
  });
});
