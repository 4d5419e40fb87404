// The app window itself (Tauri's webview API).
import { getCurrentWebview } from "@tauri-apps/api/webview";

/**
 * Calls `hovering(true)` while files are dragged over the window and `hovering(false)` when they
 * leave or are dropped (the backend handles the drop itself and sends `filesDropped`). Returns
 * the function that stops listening. Outside the app window (unit tests) nothing happens.
 */
export function onDragHover(hovering: (over: boolean) => void): () => void {
  let stopped = false;
  let unlisten: (() => void) | undefined;
  try {
    getCurrentWebview()
      .onDragDropEvent((event) => {
        const p = event.payload;
        hovering(p.type === "enter" || p.type === "over");
      })
      .then((u) => (stopped ? u() : (unlisten = u)), () => undefined);
  } catch {
    // not running inside the app window (unit tests)
  }
  return () => {
    stopped = true;
    unlisten?.();
  };
}
