// What the backend's board sends (after a handoff, a review check, the minute's round) mean for the lead.
import type { BoardSending, UserError } from "../ipc";
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

/**
 * What to say about the send that came with a handoff or "Check reviews": its words, or why it
 * waits (offline: the backend's minute round sends it later). Nothing when `quiet` and idle.
 */
export function sendWords(board: BoardSending | null, error: UserError | null, quiet: boolean): string | null {
  if (!error) return boardWords(board, quiet);
  if (quiet) return null;
  const x = explain(error);
  return x.code === "offline" ? "Board changes are saved here and will be sent when you're back online." : `${x.title} ${x.detail}`;
}
