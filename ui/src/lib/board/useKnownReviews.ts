import { useEffect, useState } from "react";
import { backend, type Board, type KnownReview } from "../ipc";
import { explain } from "../errors/errors";
import { followSummary, reviewsByTask } from "./board";
import { boardWords } from "./boardSync";

/**
 * Each task's newest review request as last seen (read again when the board changes, no
 * network), and "Check reviews": ask GitHub now, say what changed, then send the board's commits (both in the backend).
 */
export function useKnownReviews(board: Board, onChanged?: () => void, toast?: (text: string) => void) {
  const [reviews, setReviews] = useState<Map<string, KnownReview>>(new Map());
  const [checking, setChecking] = useState(false);

  useEffect(() => {
    backend.knownReviews().then((r) => setReviews(reviewsByTask(r)), () => setReviews(new Map()));
  }, [board]);

  const checkReviews = async () => {
    setChecking(true);
    try {
      // One command: follow the requests, then send the board's commits (the minute's round, now).
      const { report, board, error } = await backend.followReviews();
      if (!error || report.reviews.length > 0) toast?.(followSummary(report) ?? (report.reviews.length ? "No news: every review request is as it was." : "Nothing has been sent for review yet."));
      if (error) {
        const x = explain(error);
        toast?.(`${x.title} ${x.detail}`);
      }
      const words = boardWords(board, true);
      if (words) toast?.(words);
      onChanged?.();
      setReviews(reviewsByTask(await backend.knownReviews()));
    } catch (e) {
      const x = explain(e);
      toast?.(`${x.title} ${x.detail}`);
    } finally {
      setChecking(false);
    }
  };
  return { reviews, checking, checkReviews };
}
