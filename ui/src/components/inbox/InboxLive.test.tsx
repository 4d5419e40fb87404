import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import type { InboxItem, Overview, Review } from "../../lib/ipc";
import { emit, mockBackend, resetBackend } from "../../lib/ipc/mock";
import { arrivalWords } from "../../lib/inbox/live";
import { App } from "../../App";

afterEach(() => {
  cleanup();
  resetBackend();
});

function item(name: string, task: string, pod: string, summary: string, received: string): InboxItem {
  return {
    name,
    file_name: name,
    path: `.patches/queue/${name}`,
    metadata_path: `.logs/patches/${name}.json`,
    task_id: task,
    feature: null,
    pod,
    summary,
    branch: null,
    timestamp: null,
    received_at: received,
    status: "queued",
    kind: { type: "diff", flavor: "git" },
    sha256: "0".repeat(64),
    size: 100,
    logs: [],
  };
}

const first = item("patch_F2.2.diff", "F2.2", "DevPod", "Stage guidance", "2026-11-20T11:00:00Z");
const arrived = item("patch_20261130_190000_F3.1.diff", "F3.1", "QAPod", "Tests for the guidance", "2026-11-30T19:00:00Z");

function overview(inbox: InboxItem[]): Overview {
  return {
    summary: { name: "Demo", path: "/tmp/demo/project", branch: "main", remote: null, isDemo: true },
    inbox,
    board: { pods: [], tasks: [], problems: [] },
  } as unknown as Overview;
}

describe("the inbox as it changes outside the window", () => {
  it("shows an item that arrived through the API without a click, keeps the open review and tells it once", async () => {
    let inbox = [first];
    const review = { item: first, base_commit: "a".repeat(40), outcome: "clean", tree: "b".repeat(40), files: [], added: 0, removed: 0, repairs: [], problems: [], logs: [], risks: [] } as Review;
    const backend = mockBackend({
      currentProject: () => overview(inbox),
      reviewItem: () => review,
      inboxChecks: () => [],
      knownReviews: () => [],
      watchedFolder: () => null,
    });
    render(<App />);
    fireEvent.click(await screen.findByTestId("inbox-item"));
    await screen.findByTestId("outcome-badge", {}, { timeout: 15000 });

    await waitFor(() => expect(backend.argsOf("currentProject")).toHaveLength(1));
    inbox = [arrived, first];
    await emit("inboxChanged", { arrived: [arrived.name] });
    await waitFor(() => expect(screen.getAllByTestId("inbox-item")).toHaveLength(2));
    const toast = await screen.findByTestId("toast");
    expect(toast.textContent).toBe("QA pod sent F3.1 (“Tests for the guidance”): it is in the inbox.");
    // What the lead had open stays open: the selection and its review, not read again.
    const selected = screen.getAllByTestId("inbox-item").find((li) => li.getAttribute("data-name") === first.name)!;
    expect(selected.getAttribute("aria-pressed")).toBe("true");
    expect(screen.getByTestId("outcome-badge")).toBeTruthy();
    expect(backend.argsOf("reviewItem")).toHaveLength(1);
    expect(within(screen.getAllByTestId("inbox-item")[0]).getByText("Tests for the guidance")).toBeTruthy();

    // A status changed elsewhere: read again, nothing announced.
    inbox = [arrived, { ...first, status: "reviewed" }];
    const reads = backend.argsOf("currentProject").length;
    await emit("inboxChanged", { arrived: [] });
    await waitFor(() => expect(backend.argsOf("currentProject").length).toBe(reads + 1));
    await waitFor(() => expect(screen.getByText("Reviewed")).toBeTruthy());
    expect(screen.getAllByTestId("toast")).toHaveLength(1);
  });

  it("says how many when several arrive, and nothing for items the window already shows", () => {
    const other = item("b.diff", "F4.1", "DevPod", "More", "2026-11-30T19:01:00Z");
    expect(arrivalWords([arrived, other, first], [arrived.name, other.name], new Set())).toBe("2 new items in the inbox.");
    expect(arrivalWords([arrived, first], [arrived.name], new Set([arrived.name]))).toBeNull();
    expect(arrivalWords([{ ...arrived, pod: null, task_id: null, summary: null }], [arrived.name], new Set())).toBe(
      `A pod sent ${arrived.name}: it is in the inbox.`,
    );
  });
});
