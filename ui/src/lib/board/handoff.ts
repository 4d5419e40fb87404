// After a handoff: the pod's prompt goes on the clipboard; the backend has already sent the board.
import { copyText, type HandoffSent } from "../ipc";
import { sendWords } from "./boardSync";

/**
 * What the window does once task `id` was handed to the pod `toName` (and the board sent by the
 * backend): put its prompt on the clipboard (or say where it is saved), show the fresh project,
 * say what the send did.
 */
export async function afterHandoff(id: string, toName: string, done: HandoffSent, toast: ((text: string) => void) | undefined, onChanged: (() => void) | undefined): Promise<void> {
  try {
    await copyText(done.handoff.prompt);
    toast?.(`Handed ${id} to the ${toName}. Its prompt is on your clipboard.`);
  } catch {
    toast?.(`Handed ${id} to the ${toName}. The prompt is saved in the project.`);
  }
  onChanged?.();
  const words = sendWords(done.board, done.error, false);
  if (words) toast?.(words);
}
