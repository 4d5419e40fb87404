import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import type { Board, HandoffSent, Pod, Task, TaskStatus, UserError } from "../../lib/ipc";
import { mockBackend, refusal, resetBackend } from "../../lib/ipc/mock";
import { BoardView } from "./BoardView";

beforeEach(() => localStorage.clear());
afterEach(() => {
  cleanup();
  delete (document as { elementFromPoint?: unknown }).elementFromPoint;
});

function task(id: string, title: string, pod: string | null, status: TaskStatus, phase: string | null): Task {
  return {
    id, title, description: "", phase, category: null, pod, pod_raw: pod, pod_owner: pod, assigned_pod: null, assigned_to: null,
    status, status_raw: status, ready_flag: null, done_flag: null, done: status === "done", ready: false,
    depends_on: [], waiting_on: [], created_at: null, updated_at: null, priority: null, prompt: null, inputs: [], outputs: [],
    feedback_file: null, created_by: null, handoff_from: null, notes: null, other_fields: [],
    source: { file: "task.yaml", layout: "task_list", line: 1, key_path: ["tasks", id] },
  };
}

const pods: Pod[] = ["DevPod", "QAPod", "DeliveryPod"].map((key) => ({ key, name: key.replace("Pod", " Pod"), template: "", aliases: [], configured: true }));

function board(): Board {
  return {
    pods,
    tasks: [
      task("F1.1", "Stage parser", "DevPod", "done", "Phase 1 - Setup"),
      task("F2.1", "Tests for the stage parser", "QAPod", "ready", "Phase 2 - Development"),
      task("F2.2", "Stage guidance with a symptom fallback", "DevPod", "in_progress", "Phase 2 - Development"),
      task("F3.1", "Release notes", "DeliveryPod", "planned", "Phase 3 - Release"),
    ],
    problems: [],
  };
}

const cards = () => screen.queryAllByTestId("task-card").map((c) => c.getAttribute("data-task"));
const columns = (attr: "data-pod" | "data-status") => screen.getAllByTestId("board-column").map((c) => c.getAttribute(attr));

describe("board filters", () => {
  it("filters cards as you type, by id or title, and says plainly when nothing matches", () => {
    render(<BoardView board={board()} />);
    expect(cards()).toEqual(["F1.1", "F2.2", "F2.1", "F3.1"]);
    const search = screen.getByRole("searchbox", { name: "Search tasks by id or title" });
    fireEvent.change(search, { target: { value: "stage" } });
    expect(cards()).toEqual(["F1.1", "F2.2", "F2.1"]);
    expect(screen.getByTestId("board-count").textContent).toContain("Showing 3 of 4 tasks");
    fireEvent.change(search, { target: { value: "f2.1" } });
    expect(cards()).toEqual(["F2.1"]);
    // every pod keeps its column while filtering, so it can still take a dropped card
    expect(columns("data-pod")).toEqual(["DevPod", "QAPod", "DeliveryPod"]);
    expect(within(screen.getAllByTestId("board-column")[0]).getByText("None match the filters")).toBeTruthy();

    fireEvent.change(search, { target: { value: "zebra" } });
    const empty = screen.getByTestId("board-empty");
    expect(empty.textContent).toContain("No tasks match these filters.");
    expect(empty.textContent).toContain("the search “zebra”");
    expect(screen.queryAllByTestId("board-column")).toEqual([]);
    fireEvent.click(within(empty).getByRole("button", { name: "Clear filters" }));
    expect(cards()).toHaveLength(4);
    expect((search as HTMLInputElement).value).toBe("");
    expect(screen.queryByTestId("clear-filters")).toBeNull();
  });

  it("narrows by phase and by status chips, together with the search", () => {
    render(<BoardView board={board()} />);
    const phase = screen.getByTestId("filter-phase") as HTMLSelectElement;
    expect([...phase.options].map((o) => o.text)).toEqual(["All phases", "Phase 1 - Setup", "Phase 2 - Development", "Phase 3 - Release"]);
    fireEvent.change(phase, { target: { value: "Phase 2 - Development" } });
    expect(cards()).toEqual(["F2.2", "F2.1"]);
    const ready = screen.getAllByTestId("filter-status").find((b) => b.getAttribute("data-status") === "ready")!;
    fireEvent.click(ready);
    expect(ready.getAttribute("aria-pressed")).toBe("true");
    expect(cards()).toEqual(["F2.1"]);
    fireEvent.click(ready);
    expect(cards()).toEqual(["F2.2", "F2.1"]);
    fireEvent.click(screen.getByTestId("clear-filters"));
    expect(phase.value).not.toBe("Phase 2 - Development");
    expect(cards()).toHaveLength(4);
  });
});

describe("grouping", () => {
  it("groups by status, remembers it, and shows each card's pod", () => {
    const first = render(<BoardView board={board()} />);
    fireEvent.click(screen.getByRole("button", { name: "Status" }));
    expect(columns("data-status")).toEqual(["backlog", "planned", "ready", "in_progress", "review", "done"]);
    expect(columns("data-pod")).toEqual([null, null, null, null, null, null]);
    const inProgress = screen.getAllByTestId("board-column")[3];
    expect(within(inProgress).getByText("Stage guidance with a symptom fallback")).toBeTruthy();
    expect(within(inProgress).getByText("Dev Pod")).toBeTruthy();
    first.unmount();

    render(<BoardView board={board()} />);
    expect(screen.getByRole("button", { name: "Status" }).getAttribute("aria-pressed")).toBe("true");
    expect(columns("data-status")).toHaveLength(6);
    // a status filter leaves only those status columns
    fireEvent.click(screen.getAllByTestId("filter-status").find((b) => b.getAttribute("data-status") === "done")!);
    expect(columns("data-status")).toEqual(["done"]);
    fireEvent.click(screen.getByRole("button", { name: "Pod" }));
    expect(columns("data-pod")).toEqual(["DevPod", "QAPod", "DeliveryPod"]);
    expect(cards()).toEqual(["F1.1"]);
    expect(localStorage.getItem("patchdesk.board.grouping")).toBe("pod");
  });
});

describe("handing over", () => {
  /** Drags the card to the column, with the column as the element under the pointer at the drop. */
  function drag(card: HTMLElement, column: HTMLElement) {
    document.elementFromPoint = () => column;
    fireEvent.pointerDown(card, { button: 0, clientX: 10, clientY: 10 });
    fireEvent.pointerMove(window, { clientX: 40, clientY: 12 });
    fireEvent.pointerMove(window, { clientX: 300, clientY: 50 });
    fireEvent.pointerUp(window, { clientX: 300, clientY: 50 });
  }

  it("by pod: dragging a card to another pod opens the handoff dialog for that pod", () => {
    render(<BoardView board={board()} />);
    const card = screen.getAllByTestId("task-card").find((c) => c.getAttribute("data-task") === "F2.1")!;
    const delivery = screen.getAllByTestId("board-column").find((c) => c.getAttribute("data-pod") === "DeliveryPod")!;
    drag(card, delivery);
    const dialog = screen.getByTestId("handoff-dialog");
    expect(dialog.textContent).toContain("Hand F2.1 from the QA pod to");
    expect((screen.getByTestId("handoff-to") as HTMLSelectElement).value).toBe("DeliveryPod");
  });

  it("by status: dragging does nothing (columns are not pods) but Hand off… still works", () => {
    localStorage.setItem("patchdesk.board.grouping", "status");
    render(<BoardView board={board()} />);
    const card = screen.getAllByTestId("task-card").find((c) => c.getAttribute("data-task") === "F2.1")!;
    drag(card, screen.getAllByTestId("board-column")[5]);
    expect(screen.queryByTestId("handoff-dialog")).toBeNull();
    expect(screen.getByTestId("board-count").textContent).toContain("use its Hand off… button");
    fireEvent.click(within(card).getByTestId("hand-off"));
    expect(screen.getByTestId("handoff-dialog").textContent).toContain("Hand F2.1 from the QA pod to");
  });
});

describe("the handoff dialog", () => {
  it("pre-fills the task's input files and sends the lead's list with the reason", async () => {
    const backend = mockBackend({
      handOffTask: () => handedOff(null),
      knownReviews: () => [],
    });
    const sent = () => backend.argsOf("handOffTask");
    const b = board();
    b.tasks[1].inputs = ["src/rtp/stages.py", "tests/test_stages.py"];
    render(<BoardView board={b} />);
    const card = screen.getAllByTestId("task-card").find((c) => c.getAttribute("data-task") === "F2.1")!;
    fireEvent.click(within(card).getByTestId("hand-off"));
    const files = screen.getByTestId("handoff-files") as HTMLTextAreaElement;
    expect(files.value).toBe("src/rtp/stages.py\ntests/test_stages.py");
    fireEvent.change(files, { target: { value: "src/rtp/stages.py\n\ndocs/release.md" } });
    fireEvent.change(screen.getByTestId("handoff-reason"), { target: { value: "Package it" } });
    fireEvent.submit(screen.getByTestId("handoff-dialog"));
    await waitFor(() => expect(sent()).toHaveLength(1));
    expect(sent()[0]).toEqual(["F2.1", "DevPod", "Package it", ["src/rtp/stages.py", "docs/release.md"], null]);
    resetBackend();
  });

  it("hands off and sends in one command; the prompt goes on the clipboard and an offline send is said", async () => {
    const backend = mockBackend({ handOffTask: () => handedOff(refusal("offline", "No network.")), knownReviews: () => [] });
    const toasts: string[] = [];
    render(<BoardView board={board()} toast={(t) => toasts.push(t)} />);
    const card = screen.getAllByTestId("task-card").find((c) => c.getAttribute("data-task") === "F2.1")!;
    fireEvent.click(within(card).getByTestId("hand-off"));
    fireEvent.submit(screen.getByTestId("handoff-dialog"));
    await waitFor(() => expect(toasts).toContain("Board changes are saved here and will be sent when you're back online."));
    expect(toasts[0]).toMatch(/^Handed F2\.1 to the .* Its prompt is on your clipboard\.$/);
    expect(backend.clipboard).toEqual(["the prompt"]);
    expect(backend.calls.map((c) => c.command).filter((c) => c !== "knownReviews")).toEqual(["handOffTask"]);
    resetBackend();
  });
});

/** A handoff of F2.1 as the backend answers it, with what sending the board did. */
function handedOff(error: UserError | null): HandoffSent {
  const handed = { task: "F2.1", from: "QAPod", to: "DeliveryPod", commit: "abc", prompt_path: "p", changed_files: [], new: true, warnings: [] };
  return { handoff: { handed, prompt: "the prompt" }, board: null, error };
}
