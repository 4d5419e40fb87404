// After a handoff: the pod's prompt goes on the clipboard and the board's commit is sent.
import { copyText } from "../ipc";
import { sendBoard } from "./boardSync";

/**
 * What the window does once task `id` was handed to the pod `toName`: put its prompt on the
 * clipboard (or say where it is saved), show the fresh project, send the board's commits.
 */
export async function afterHandoff(id: string, toName: string, prompt: string, toast: ((text: string) => void) | undefined, onChanged: (() => void) | undefined): Promise<void> {
  try {
    await copyText(prompt);
    toast?.(`Handed ${id} to the ${toName}. Its prompt is on your clipboard.`);
  } catch {
    toast?.(`Handed ${id} to the ${toName}. The prompt is saved in the project.`);
  }
  onChanged?.();
  void sendBoard(toast);
}
