// "Paste from chat": the window's Ctrl+V and reading a pasted answer while the lead edits it.
import { useEffect, useState } from "react";
import type { PastePreview } from "../ipc";
import { explain, type Explained } from "../errors/errors";

/** True when a key or paste event happens inside something the person types in. */
export function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

/**
 * Ctrl+V (or Cmd+V) on the window, outside any text field, calls `open` with the clipboard's
 * text, read from the paste event (no clipboard permission needed). When the system sends no
 * paste event for a window without a text field, `open("")` shows the dialog to paste into.
 */
export function usePasteShortcut(enabled: boolean, open: (text: string) => void) {
  useEffect(() => {
    if (!enabled) return;
    let waiting: ReturnType<typeof setTimeout> | undefined;
    const onPaste = (e: ClipboardEvent) => {
      if (typingIn(e.target) || document.querySelector("[role=dialog]")) return;
      clearTimeout(waiting);
      e.preventDefault();
      open(e.clipboardData?.getData("text/plain") ?? "");
    };
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.key.toLowerCase() !== "v" || e.altKey || e.shiftKey) return;
      if (typingIn(e.target) || document.querySelector("[role=dialog]")) return;
      clearTimeout(waiting);
      waiting = setTimeout(() => open(""), 200);
    };
    window.addEventListener("paste", onPaste);
    window.addEventListener("keydown", onKey);
    return () => {
      clearTimeout(waiting);
      window.removeEventListener("paste", onPaste);
      window.removeEventListener("keydown", onKey);
    };
  }, [enabled, open]);
}

/** What Patchdesk recognised in the text so far. */
export type Recognised = { state: "empty" } | { state: "reading" } | { state: "ok"; preview: PastePreview } | { state: "refused"; error: Explained };

/** Reads `text` again a moment after it stops changing: what Patchdesk recognises in it. */
export function useRecognised(text: string, recognise: (text: string) => Promise<PastePreview>): Recognised {
  const [seen, setSeen] = useState<Recognised>({ state: "empty" });
  useEffect(() => {
    if (!text.trim()) {
      setSeen({ state: "empty" });
      return;
    }
    let live = true;
    setSeen({ state: "reading" });
    const timer = setTimeout(() => {
      recognise(text).then(
        (preview) => live && setSeen({ state: "ok", preview }),
        (e) => live && setSeen({ state: "refused", error: explain(e) }),
      );
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [text, recognise]);

  return seen;
}
