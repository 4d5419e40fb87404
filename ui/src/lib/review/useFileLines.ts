import { useCallback, useEffect, useRef, useState } from "react";
import { backend, type FileDiff } from "../ipc";
import { explain, type Explained } from "../errors/errors";
import { LineStore, PAGE_LINES } from "./lines";

/** How the file on show is compared: context lines, a revision's whole change, spaces ignored. */
export interface Compare {
  context: number;
  whole: boolean;
  ignoreSpace: boolean;
}

/** The file on show: its hunks' places (`outline`, the first page's answer) and its loaded lines. */
export interface FileLines {
  path: string;
  outline: FileDiff;
  store: LineStore;
  /** Asks for the pages not loaded yet (the view calls it with the pages near the screen). */
  need: (pages: number[]) => void;
  /** Grows each time a page arrives, so the view draws again. */
  version: number;
}

/**
 * Loads `path` of item `name` page by page: its first page when the file or the comparison
 * changes, then whatever the view needs. Answers for a file no longer on show are dropped.
 */
export function useFileLines(name: string, path: string | null, compare: Compare, enabled: boolean) {
  const [file, setFile] = useState<Omit<FileLines, "need" | "version"> | null>(null);
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<Explained | null>(null);
  const asked = useRef(new Set<number>());
  const generation = useRef(0);
  const { context, whole, ignoreSpace } = compare;

  const ask = useCallback(
    (page: number) => backend.reviewFile(name, path ?? "", { context, whole, ignore_space: ignoreSpace, from: page * PAGE_LINES, count: PAGE_LINES }),
    [name, path, context, whole, ignoreSpace],
  );

  useEffect(() => {
    const mine = ++generation.current;
    asked.current = new Set([0]);
    setFile(null);
    setError(null);
    if (!path || !enabled) return;
    ask(0).then(
      (d) => {
        if (mine !== generation.current) return;
        const store = new LineStore(d.lines_total);
        store.put(d);
        setFile({ path, outline: d, store });
      },
      (e) => mine === generation.current && setError(explain(e)),
    );
  }, [ask, path, enabled]);

  const need = useCallback(
    (pages: number[]) => {
      if (!file) return;
      const mine = generation.current;
      for (const page of pages) {
        if (file.store.has(page) || asked.current.has(page)) continue;
        asked.current.add(page);
        ask(page).then(
          (d) => {
            asked.current.delete(page);
            if (mine !== generation.current) return;
            file.store.put(d);
            setVersion((v) => v + 1);
          },
          (e) => {
            asked.current.delete(page);
            if (mine === generation.current) setError(explain(e));
          },
        );
      }
    },
    [file, ask],
  );

  const lines: FileLines | null = file ? { ...file, need, version } : null;
  return { lines, error };
}
