import { afterEach, describe, expect, it, vi } from "vitest";
import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";

afterEach(cleanup);
import { PasteDialog } from "./PasteDialog";
import { typingIn, usePasteShortcut } from "../../lib/inbox/paste";
import { kindLabel } from "./Inbox";
import type { InboxItem, PastePreview, Task } from "../../lib/ipc";

const tasks = [
  { id: "F2.1", title: "Stage tests" },
  { id: "F2.2", title: "Guidance wording" },
] as unknown as Task[];
const V4A = "*** Begin Patch\n*** Update File: guidance.py\n@@\n-a\n+b\n*** End Patch\n";
const preview = (task: string | null): PastePreview => ({
  kind: { type: "diff", flavor: "open_ai_patch" },
  description: "OpenAI patch, 1 file",
  paths: ["guidance.py"],
  task_id: task,
});
const item = { name: "patch_20261130_120000_F2.2.txt" } as InboxItem;

describe("PasteDialog", () => {
  it("says what it recognised, asks for the task the answer does not name, then adds it", async () => {
    const recognise = vi.fn().mockResolvedValue(preview(null));
    const add = vi.fn().mockResolvedValue(item);
    const onAdded = vi.fn();
    render(<PasteDialog initialText={V4A} tasks={tasks} onAdded={onAdded} onClose={() => undefined} recognise={recognise} add={add} />);
    expect((screen.getByTestId("paste-text") as HTMLTextAreaElement).value).toBe(V4A);
    await waitFor(() => expect(screen.getByTestId("paste-recognised").textContent).toContain("Patchdesk sees: OpenAI patch, 1 file"));
    expect(recognise).toHaveBeenCalledWith(V4A);
    const addButton = screen.getByTestId("paste-add") as HTMLButtonElement;
    expect(addButton.disabled).toBe(true);
    const picker = screen.getByTestId("paste-task") as HTMLSelectElement;
    expect(Array.from(picker.options).map((o) => o.textContent)).toEqual(["Choose a task…", "F2.1 — Stage tests", "F2.2 — Guidance wording"]);
    fireEvent.change(picker, { target: { value: "F2.2" } });
    expect(addButton.disabled).toBe(false);
    fireEvent.click(addButton);
    await waitFor(() => expect(onAdded).toHaveBeenCalledWith(item));
    expect(add).toHaveBeenCalledWith(V4A, "F2.2");
  });

  it("uses the task the answer names, without a picker", async () => {
    const add = vi.fn().mockResolvedValue(item);
    render(<PasteDialog initialText={`Task: F2.1\n${V4A}`} tasks={tasks} onAdded={() => undefined} onClose={() => undefined} recognise={vi.fn().mockResolvedValue(preview("F2.1"))} add={add} />);
    await waitFor(() => expect(screen.getByTestId("paste-task-named").textContent).toContain("F2.1"));
    expect(screen.queryByTestId("paste-task")).toBeNull();
    fireEvent.click(screen.getByTestId("paste-add"));
    await waitFor(() => expect(add).toHaveBeenCalledWith(`Task: F2.1\n${V4A}`, null));
  });

  it("shows a refusal in one sentence and adds nothing; the text can be edited", async () => {
    const refusal = { code: "patch_unreadable", message: "The pasted text holds no change Patchdesk can read (a patch, an OpenAI patch, edit blocks, or whole files named by a path); copy the pod's whole answer." };
    const recognise = vi.fn().mockImplementation((t: string) => (t.includes("Begin Patch") ? Promise.resolve(preview(null)) : Promise.reject(refusal)));
    const add = vi.fn();
    render(<PasteDialog initialText="Thanks!" tasks={tasks} onAdded={() => undefined} onClose={() => undefined} recognise={recognise} add={add} />);
    await waitFor(() => expect(screen.getByTestId("paste-refused").textContent).toBe(refusal.message));
    expect((screen.getByTestId("paste-add") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByTestId("paste-text"), { target: { value: V4A } });
    await waitFor(() => expect(screen.getByTestId("paste-recognised").textContent).toContain("OpenAI patch"));
    expect(add).not.toHaveBeenCalled();
  });

  it("starts empty from the button and says nothing is pasted yet", () => {
    const recognise = vi.fn();
    render(<PasteDialog initialText="" tasks={tasks} onAdded={() => undefined} onClose={() => undefined} recognise={recognise} add={vi.fn()} />);
    expect(screen.getByTestId("paste-recognised").textContent).toBe("Nothing pasted yet.");
    expect(recognise).not.toHaveBeenCalled();
  });
});

function Shortcut({ open }: { open: (text: string) => void }) {
  usePasteShortcut(true, open);
  return <input data-testid="field" />;
}

function pasteEvent(text: string): Event {
  const e = new Event("paste", { bubbles: true, cancelable: true });
  Object.defineProperty(e, "clipboardData", { value: { getData: (t: string) => (t === "text/plain" ? text : "") } });
  return e;
}

describe("Ctrl+V on the window", () => {
  it("opens the dialog with the clipboard's text, but not while typing in a field", () => {
    const open = vi.fn();
    render(<Shortcut open={open} />);
    act(() => {
      document.body.dispatchEvent(pasteEvent(V4A));
    });
    expect(open).toHaveBeenCalledWith(V4A);
    open.mockClear();
    act(() => {
      screen.getByTestId("field").dispatchEvent(pasteEvent("typed"));
    });
    expect(open).not.toHaveBeenCalled();
    expect(typingIn(screen.getByTestId("field"))).toBe(true);
    expect(typingIn(document.body)).toBe(false);
  });

  it("opens an empty dialog when the system sends no paste event", () => {
    vi.useFakeTimers();
    const open = vi.fn();
    render(<Shortcut open={open} />);
    fireEvent.keyDown(document.body, { key: "v", ctrlKey: true });
    act(() => {
      vi.advanceTimersByTime(300);
    });
    expect(open).toHaveBeenCalledWith("");
    vi.useRealTimers();
  });
});

describe("inbox labels", () => {
  it("name each shape in plain words", () => {
    const label = (flavor: string) => kindLabel({ kind: { type: "diff", flavor } } as unknown as InboxItem);
    expect(["git", "unified", "open_ai_patch", "edit_blocks", "whole_files"].map(label)).toEqual(["Patch", "Patch", "OpenAI patch", "Edit blocks", "Whole files"]);
  });
});
