import { useCallback, useEffect, useState, type RefObject } from "react";
import { backend, type Review, type ReviewFile } from "../ipc";
import { explain, type Explained } from "../errors/errors";
import { useFileLines } from "./useFileLines";

/** Moves between the changes of the file on show (the diff view does it). */
export type ChangeStepper = { step: (dir: 1 | -1) => void };

/**
 * One inbox item's review: the review itself (read again by `load`), the file on show (`path`)
 * and its lines, loaded page by page, with `context` lines around each change and space-only
 * changes hidden or not. Keys: n/p next/previous change (through `view`), ]/[ next/previous
 * file. `loaded` is called with each fresh review.
 */
export function useReview(name: string, view: RefObject<ChangeStepper | null>, loaded?: () => void) {
  const [review, setReview] = useState<Review | null>(null);
  const [error, setError] = useState<Explained | null>(null);
  const [path, setPath] = useState<string | null>(null);
  const [context, setContext] = useState(3);
  const [hideWs, setHideWs] = useState(false);
  // For a revision: its whole change against the base instead of since the request's branch.
  const [whole, setWhole] = useState(false);

  const load = useCallback(async () => {
    setReview(null);
    setError(null);
    loaded?.();
    try {
      const r = await backend.reviewItem(name);
      setReview(r);
      setPath(r.files[0]?.path ?? null);
      setContext(3);
      setWhole(false);
    } catch (e) {
      setError(explain(e));
    }
  }, [name]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    void load();
  }, [load]);

  const { lines, error: fileError } = useFileLines(name, path, { context, whole, ignoreSpace: hideWs }, !!review?.tree);

  const files = shownFiles(review, whole);
  const stepFile = useCallback(
    (dir: 1 | -1) => {
      const i = files.findIndex((f) => f.path === path);
      const next = files[i + dir];
      if (next) setPath(next.path);
    },
    [files, path],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLInputElement) return;
      if (e.key === "n") view.current?.step(1);
      else if (e.key === "p") view.current?.step(-1);
      else if (e.key === "]") stepFile(1);
      else if (e.key === "[") stepFile(-1);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [stepFile, view]);

  const showWhole = useCallback(
    (on: boolean) => {
      setWhole(on);
      const list = shownFiles(review, on);
      if (!list.some((f) => f.path === path)) setPath(list[0]?.path ?? null);
    },
    [review, path],
  );

  return { review, error, load, path, setPath, lines, fileError, context, setContext, hideWs, setHideWs, files, whole, showWhole };
}

/** The files on show: a revision's whole change when asked for, else the change itself. */
export function shownFiles(review: Review | null, whole: boolean): ReviewFile[] {
  if (!review) return [];
  return whole && review.revision?.whole ? review.revision.whole.files : review.files;
}
