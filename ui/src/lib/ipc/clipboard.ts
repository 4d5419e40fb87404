// The system clipboard (Tauri's clipboard plugin).
import { writeText } from "@tauri-apps/plugin-clipboard-manager";

/** Puts `text` on the clipboard; rejects when the system refuses. */
export function copyText(text: string): Promise<void> {
  return writeText(text);
}
