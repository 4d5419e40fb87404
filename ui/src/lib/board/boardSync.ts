// Sending the board's commits (handoffs, review follow-up) to the remote, with a word for the lead.
import { backend, type BoardSending } from "../ipc";
import { explain } from "../errors/errors";

/** The sentence to show for a send, or null when there is nothing worth saying. */
export function boardWords(s: BoardSending | null, quiet: boolean): string | null {
  if (!s) return null;
  switch (s.sent.kind) {
    case "sent":
    case "as_review":
      return s.words;
    case "held":
      // The lead's own commits wait: say so when something was sent, or when asked.
      return s.sent.sent > 0 || !quiet ? s.words : null;
    case "does_not_apply":
    case "behind":
    case "diverged":
    case "not_on_default_branch":
      return quiet ? null : s.words;
    default:
      return null;
  }
}

/** Sends the board's commits; says what happened unless `quiet` and nothing changed. */
export async function sendBoard(toast?: (text: string) => void, quiet = false): Promise<void> {
  try {
    const words = boardWords(await backend.sendBoardChanges(), quiet);
    if (words) toast?.(words);
  } catch (e) {
    const x = explain(e);
    if (quiet) return;
    toast?.(x.code === "offline" ? "Board changes are saved here and will be sent when you're back online." : `${x.title} ${x.detail}`);
  }
}
