import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import type { FileDiff, Overview, Review } from "./lib/ipc";
import { emit, mockBackend, refusal, resetBackend } from "./lib/ipc/mock";
import { App } from "./App";
import { Inbox } from "./components/inbox/Inbox";

afterEach(() => {
  cleanup();
  resetBackend();
});

function overview(): Overview {
  return {
    summary: {
      name: "Return-to-Play Guide (demo)",
      path: "/tmp/demo/project",
      branch: "main",
      remote: { url: "/tmp/demo/practice-remote.git", isPractice: true },
      isDemo: true,
    },
    inbox: [
      {
        name: "patch_20261118_101500_F2.2.diff",
        file_name: "patch_20261118_101500_F2.2.diff",
        path: ".patches/queue/patch_20261118_101500_F2.2.diff",
        metadata_path: ".logs/patches/patch_20261118_101500_F2.2.json",
        task_id: "F2.2",
        feature: null,
        pod: "DevPod",
        summary: "Stage guidance with a symptom fallback",
        branch: null,
        timestamp: "2026-11-18T10:15:00",
        received_at: "2026-11-20T11:00:00Z",
        status: "queued" as const,
        kind: { type: "diff", flavor: "git" },
        sha256: "0".repeat(64),
        size: 1200,
        logs: [],
      },
    ],
    board: {
      pods: ["DevPod", "QAPod"].map((key) => ({
        key,
        name: key.replace("Pod", " Pod"),
        template: `prompts/${key.toLowerCase()}.txt`,
        aliases: [],
        configured: true,
      })),
      tasks: [
        {
          id: "F2.1",
          title: "Tests for the stage parser",
          description: "",
          phase: "Phase 2 - Development",
          category: "dev",
          pod: "QAPod",
          pod_raw: "QAPod",
          pod_owner: "QAPod",
          assigned_pod: null,
          assigned_to: null,
          status: "ready",
          status_raw: "ready",
          ready_flag: null,
          done_flag: null,
          done: false,
          ready: true,
          depends_on: [],
          waiting_on: [],
          created_at: null,
          updated_at: null,
          priority: null,
          prompt: null,
          inputs: [],
          outputs: [],
          feedback_file: null,
          created_by: null,
          handoff_from: null,
          notes: null,
          other_fields: [],
          source: { file: "task.yaml", layout: "task_list", line: 3, key_path: ["tasks", "F2.1"] },
        },
      ],
      problems: [{ path: "task_templates/x.yaml", line: 4, column: 1, message: "task_templates/x.yaml, line 4: a list item is missing its dash" }],
    },
  } as Overview;
}

describe("first screen", () => {
  it("shows the project, its inbox and its board from the backend", async () => {
    const { calls } = mockBackend({
      currentProject: overview,
      watchedFolder: () => "/home/lead/Downloads",
      inboxChecks: () => [{ name: "patch_20261118_101500_F2.2.diff", outcome: "clean", repairs: 0, problem_files: 0, problem: null, files: 1, added: 12, removed: 3 }],
      knownReviews: () => [{ item: "patch_F2.1.diff", task_id: "F2.1", pod: "QAPod", number: 4, url: "https://github.com/o/r/pull/4", state: "open", checked_at: null }],
      githubStatus: () => ({ host: "github.com", web_url: "https://github.com", account: { login: "octo", name: null, email: null, scopes: ["repo"] }, device_flow_ready: false, client_id: null, notice: null }),
    });
    render(<App />);
    expect(await screen.findByTestId("project-name")).toHaveProperty("textContent", "Return-to-Play Guide (demo)");
    expect(screen.getByText("Practice remote")).toBeTruthy();
    const item = screen.getByTestId("inbox-item");
    expect(item.getAttribute("data-task")).toBe("F2.2");
    expect(within(item).getByText("Stage guidance with a symptom fallback")).toBeTruthy();
    expect(within(item).getByText("Dev pod")).toBeTruthy();
    expect((await screen.findByTestId("watched-folder")).textContent).toContain("/home/lead/Downloads");
    // How it applies, checked after the list shows.
    expect((await within(item).findByTestId("item-check")).textContent).toBe("Applies cleanly");
    expect(within(item).getByText("+12")).toBeTruthy();
    fireEvent.click(screen.getByTestId("tab-board"));
    const columns = screen.getAllByTestId("board-column").map((c) => c.getAttribute("data-pod"));
    expect(columns).toEqual(["DevPod", "QAPod"]);
    const qa = screen.getAllByTestId("board-column")[1];
    expect(within(qa).getByText("Tests for the stage parser")).toBeTruthy();
    expect(within(qa).getByText("Up next for QA pod")).toBeTruthy();
    // Its review request, as last seen.
    expect((await within(qa).findByTestId("review-chip")).textContent).toBe("In review #4");
    // a broken task file is named, in plain words
    expect(screen.getByRole("alert").textContent).toContain("line 4: a list item is missing its dash");
    // The project, and who is signed in to GitHub: nothing else at start.
    // (the known reviews are read by the inbox, for revisions, and by the board, for its cards)
    expect(calls.map((c) => c.command).sort()).toEqual(["currentProject", "githubStatus", "inboxChecks", "knownReviews", "knownReviews", "watchedFolder"]);
    expect(screen.getByTestId("github-button").textContent).toBe("GitHub: octo");
  });

  it("turns a backend error code into a plain sentence with a next step and a retry", async () => {
    let attempts = 0;
    mockBackend({
      currentProject: () => {
        attempts += 1;
        if (attempts === 1) throw refusal("repo_not_found", "There is no git repository at /home/lead/x.");
        return overview();
      },
    });
    render(<App />);
    const alert = await screen.findByRole("alert");
    expect(alert.getAttribute("data-code")).toBe("repo_not_found");
    expect(alert.textContent).toContain("That folder isn't a project Patchdesk can open.");
    expect(alert.textContent).toContain("There is no git repository at /home/lead/x.");
    within(alert).getByRole("button", { name: "Try again" }).click();
    await waitFor(() => expect(screen.getByTestId("project-name").textContent).toBe("Return-to-Play Guide (demo)"));
    expect(attempts).toBe(2);
  });

  it("reviews an item: outcome badge, repairs, files, the diff and the pod's reasoning; then sends it back", async () => {
    const review: Review = {
      item: overview().inbox[0],
      base_commit: "a".repeat(40),
      outcome: "repaired",
      tree: "b".repeat(40),
      files: [{ path: "src/rtp/guidance.py", old_path: null, status: "modified", added: 2, removed: 1, binary: false }],
      added: 2,
      removed: 1,
      repairs: [{ kind: "hunk_moved", path: "src/rtp/guidance.py", hunk: 1, message: "hunk 1 of src/rtp/guidance.py was found 12 lines lower than the patch said" }],
      problems: [],
      logs: [{ kind: "reasoning_trace", title: "Reasoning", name: "reasoning_trace.md", text: "## Thoughts\n- Keep it short", format: "markdown" }],
      risks: [],
    };
    const fileDiff: FileDiff = {
      path: "src/rtp/guidance.py", old_path: null, binary: false, lines_total: 4, from: 0,
      hunks: [{ header: "@@ -1,2 +1,3 @@", old_start: 1, old_lines: 2, new_start: 1, new_lines: 3, first_line: 0, line_count: 4, lines: [
        { kind: "context", old: 1, new: 1, text: "from .stages import STAGES" },
        { kind: "removed", old: 2, new: null, text: "old line" },
        { kind: "added", old: null, new: 2, text: "ADVICE = {}" },
        { kind: "added", old: null, new: 3, text: "more" },
      ] }],
    };
    const backend = mockBackend({
      currentProject: overview,
      reviewItem: () => review,
      reviewFile: () => fileDiff,
      rejectItem: () => ({ item: { ...overview().inbox[0], status: "rejected" }, feedback_path: ".logs/feedback/F2.2.md", prompt: "Your patch was sent back" }),
    });
    render(<App />);
    fireEvent.click(await screen.findByTestId("inbox-item"));
    expect((await screen.findByTestId("outcome-badge")).textContent).toBe("Repaired — 1 fix");
    expect(screen.getByTestId("repairs").textContent).toContain("found 12 lines lower");
    expect(screen.getByTestId("tree-file").getAttribute("data-path")).toBe("src/rtp/guidance.py");
    expect(screen.getByTestId("pod-notes").textContent).toContain("Keep it short");
    await waitFor(() => expect(backend.argsOf("reviewFile").some(([, , ask]) => ask.context === 3 && ask.from === 0)).toBe(true));
    expect((await screen.findByTestId("diff-scroller")).getAttribute("aria-label")).toBe("Changes in src/rtp/guidance.py");

    fireEvent.click(screen.getByTestId("reject"));
    fireEvent.change(screen.getByLabelText(/What should the pod change/), { target: { value: "Use the coach's wording" } });
    fireEvent.click(screen.getByRole("button", { name: "Send back to the pod" }));
    expect((await screen.findByTestId("rejected")).textContent).toContain(".logs/feedback/F2.2.md");
    expect(backend.argsOf("rejectItem")).toEqual([["patch_20261118_101500_F2.2.diff", "Use the coach's wording"]]);
    expect(backend.clipboard).toEqual(["Your patch was sent back"]);
  });

  it("opens on the tab remembered from the last launch and remembers the one chosen", async () => {
    const backend = mockBackend({
      currentProject: overview,
      windowTab: () => "board",
      rememberTab: () => null,
      knownReviews: () => [],
      watchedFolder: () => null,
      inboxChecks: () => [],
    });
    render(<App />);
    await waitFor(() => expect(screen.getByTestId("tab-board").getAttribute("aria-current")).toBe("true"));
    // Nothing but the remembered tab itself is written back before the lead chooses.
    expect(backend.argsOf("rememberTab").every(([t]) => t === "board")).toBe(true);
    fireEvent.click(screen.getByTestId("tab-inbox"));
    await waitFor(() => expect(backend.argsOf("rememberTab").slice(-1)).toEqual([["inbox"]]));
    expect(screen.getByTestId("tab-inbox").getAttribute("aria-current")).toBe("true");
  });

  it("turns the Downloads watch off and on again from the inbox", async () => {
    const backend = mockBackend({
      currentProject: overview,
      watchedFolder: () => "/home/lead/Downloads",
      setDownloadsWatch: (on) => (on ? "/home/lead/Downloads" : null),
      inboxChecks: () => [],
      knownReviews: () => [],
    });
    render(<App />);
    fireEvent.click(await screen.findByTestId("watch-off"));
    expect((await screen.findByTestId("watch-is-off")).textContent).toContain("not watching");
    fireEvent.click(screen.getByTestId("watch-on"));
    expect((await screen.findByTestId("watched-folder")).textContent).toContain("/home/lead/Downloads");
    expect(backend.argsOf("setDownloadsWatch")).toEqual([
      [false, null],
      [true, null],
    ]);
  });

  it("announces a pod download from the watched folder and opens its item", async () => {
    let reads = 0;
    mockBackend({
      currentProject: () => {
        reads += 1;
        return overview();
      },
      watchedFolder: () => "/home/lead/Downloads",
      inboxChecks: () => [],
      reviewItem: () => {
        throw refusal("item_not_found", "That item is no longer in the inbox.");
      },
    });
    render(<App />);
    await screen.findByTestId("project-name");
    fireEvent.click(screen.getByTestId("tab-board"));
    const item = overview().inbox[0];
    const report = { imported: [item], already_imported: [], attached: [], unmatched: [], ignored: [], refused: [], held_back: [] };
    await emit("downloadsArrived", { folder: "/home/lead/Downloads", files: [item.file_name], report, error: null });
    expect((await screen.findByTestId("toast")).textContent).toBe("From Downloads: Added 1 item to the inbox.");
    await waitFor(() => expect(screen.getByTestId("tab-inbox").getAttribute("aria-current")).toBe("true"));
    expect(reads).toBe(2);
    expect((await screen.findByRole("alert")).textContent).toContain("That item is no longer in the inbox.");

    await emit("downloadsArrived", { folder: "/home/lead/Downloads", files: ["x.diff"], report: null, error: refusal("io", "No room left on the disk.") });
    await waitFor(() => expect(screen.getAllByTestId("toast")).toHaveLength(2));
    const said = screen.getAllByTestId("toast")[1].textContent ?? "";
    expect(said.startsWith("Could not add x.diff from Downloads: ")).toBe(true);
    expect(said).toContain("No room left on the disk.");
    expect(reads).toBe(2);
  });

  it("tells a first-time user what to do when the inbox is empty", () => {
    render(<Inbox items={[]} />);
    expect(screen.getByTestId("inbox-empty").textContent).toContain("drop the files on this window");
  });
});
