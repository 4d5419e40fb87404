import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import type { FileDiff, Review, ReviewFile } from "../../lib/ipc";
import { mockBackend, resetBackend } from "../../lib/ipc/mock";
import { ReviewPane } from "./ReviewPane";

afterEach(() => {
  cleanup();
  resetBackend();
});

const file = (path: string, added: number, removed: number): ReviewFile => ({ path, old_path: null, status: "modified", added, removed, binary: false });

const review: Review = {
  item: {
    name: "patch_20261130_150000_F2.2.txt",
    file_name: "patch_20261130_150000_F2.2.txt",
    path: ".patches/queue/patch_20261130_150000_F2.2.txt",
    metadata_path: ".logs/patches/patch_20261130_150000_F2.2.json",
    task_id: "F2.2",
    feature: null,
    pod: "DevPod",
    summary: "Tell the coach",
    branch: null,
    timestamp: null,
    received_at: "2026-11-30T15:00:00Z",
    status: "queued",
    kind: { type: "diff", flavor: "git" },
    sha256: "0".repeat(64),
    size: 400,
    logs: [],
  },
  base_commit: "a".repeat(40),
  outcome: "clean",
  tree: "b".repeat(40),
  files: [file("src/rtp/guidance.py", 1, 1)],
  added: 1,
  removed: 1,
  repairs: [],
  problems: [],
  logs: [],
  risks: [],
  revision: {
    number: 1,
    revision: 2,
    branch: "chatgpt/devpod/F2.2",
    whole: { base_commit: "c".repeat(40), files: [file("docs/fallback.md", 4, 0), file("src/rtp/guidance.py", 9, 2)], added: 13, removed: 2 },
  },
};

const diff = (path: string): FileDiff => ({ path, old_path: null, binary: false, hunks: [], lines_total: 0, from: 0 });
const ask = (whole: boolean) => ({ context: 3, whole, ignore_space: false, from: 0, count: 2000 });

describe("the review of a pod's revision", () => {
  it("says it is checked against the request's branch and shows the whole change on request", async () => {
    const backend = mockBackend({ reviewItem: () => review, reviewFile: (_name, path) => diff(path) });
    render(<ReviewPane name={review.item.name} target="main" onChanged={() => undefined} toast={() => undefined} updates={1} />);
    const notice = await screen.findByTestId("revision-review");
    expect(notice.textContent).toContain("Revision 2 of #1: checked against the request's branch chatgpt/devpod/F2.2");
    expect(screen.getByTestId("revision-since").textContent).toBe("Since the last revision · 1 file +1 −1");
    expect(screen.getByTestId("revision-whole").textContent).toBe("Whole change · 2 files +13 −2");
    expect(screen.getAllByTestId("tree-file").map((f) => f.getAttribute("data-path"))).toEqual(["src/rtp/guidance.py"]);
    await waitFor(() => expect(backend.argsOf("reviewFile")).toContainEqual([review.item.name, "src/rtp/guidance.py", ask(false)]));

    fireEvent.click(screen.getByTestId("revision-whole"));
    await waitFor(() => expect(screen.getAllByTestId("tree-file")).toHaveLength(2));
    await waitFor(() => expect(backend.argsOf("reviewFile")).toContainEqual([review.item.name, "src/rtp/guidance.py", ask(true)]));
    expect(screen.getByTestId("revision-whole").getAttribute("aria-pressed")).toBe("true");
    expect(screen.getByTestId("send-for-review").textContent).toBe("Update review request #1");
  });
});

describe("closing the review", () => {
  const open = (onClose: () => void) => {
    mockBackend({ reviewItem: () => review, reviewFile: (_name, path) => diff(path) });
    render(<ReviewPane name={review.item.name} target="main" onChanged={() => undefined} toast={() => undefined} onClose={onClose} />);
  };

  it("closes with its Close button and with Esc", async () => {
    const closed: string[] = [];
    open(() => closed.push("closed"));
    fireEvent.click(await screen.findByTestId("close-review"));
    expect(closed).toEqual(["closed"]);
    fireEvent.keyDown(screen.getByTestId("file-tree"), { key: "Escape" });
    expect(closed).toEqual(["closed", "closed"]);
  });

  it("stays open when Esc is meant for the form being filled in", async () => {
    const closed: string[] = [];
    open(() => closed.push("closed"));
    fireEvent.click(await screen.findByTestId("reject"));
    const field = await screen.findByRole("textbox");
    fireEvent.keyDown(field, { key: "Escape" });
    expect(closed).toEqual([]);
  });
});
