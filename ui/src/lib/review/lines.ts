// The lines of the file on show, loaded in pages as the lead scrolls: the backend sends one
// window of a file's change at a time (`reviewFile` with a `FileAsk`), and only the pages near
// what is on screen stay here, so a 200,000-line file never sits whole in the window's memory.
import type { FileDiff } from "../ipc";
import type { SourceLine } from "./diff";

/** Lines asked for at once (a page); the backend sends at most 5,000. */
export const PAGE_LINES = 2000;
/** Pages kept; the least recently used beyond this are dropped (asked for again if needed). */
export const KEPT_PAGES = 6;

/** The pages holding lines `from`..`from + count` of a file of `total` lines. */
export function pagesFor(from: number, count: number, total: number): number[] {
  const end = Math.min(from + count, total);
  if (end <= from) return [];
  const out: number[] = [];
  for (let p = Math.floor(from / PAGE_LINES); p * PAGE_LINES < end; p++) out.push(p);
  return out;
}

/** The loaded pages of one file's lines, the most recently used last. */
export class LineStore {
  private pages = new Map<number, SourceLine[]>();
  private slices = new Map<string, SourceLine[]>();

  constructor(
    readonly total: number,
    private readonly kept = KEPT_PAGES,
  ) {}

  /** Takes a window the backend sent for page `diff.from / PAGE_LINES`. */
  put(diff: FileDiff): void {
    const page = Math.floor(diff.from / PAGE_LINES);
    this.pages.delete(page);
    this.pages.set(
      page,
      diff.hunks.flatMap((h) => h.lines),
    );
    while (this.pages.size > this.kept) {
      const oldest = this.pages.keys().next().value as number;
      this.pages.delete(oldest);
      for (const key of this.slices.keys()) {
        const [from, count] = key.split(":").map(Number);
        if (pagesFor(from, count, this.total).includes(oldest)) this.slices.delete(key);
      }
    }
  }

  has(page: number): boolean {
    return this.pages.has(page);
  }

  /** Pages loaded now, in order of use. */
  loaded(): number[] {
    return [...this.pages.keys()];
  }

  /**
   * Lines `from`..`from + count`: the same array each time while their pages stay loaded (so a
   * drawn piece is not drawn again), or null while a page is missing.
   */
  slice(from: number, count: number): SourceLine[] | null {
    const key = `${from}:${count}`;
    const kept = this.slices.get(key);
    const pages = pagesFor(from, count, this.total);
    if (pages.some((p) => !this.pages.has(p))) return null;
    for (const p of pages) this.touch(p);
    if (kept) return kept;
    const out: SourceLine[] = [];
    for (const p of pages) {
      const lines = this.pages.get(p)!;
      const start = Math.max(from - p * PAGE_LINES, 0);
      const end = Math.min(from + count - p * PAGE_LINES, lines.length);
      for (let i = start; i < end; i++) out.push(lines[i]);
    }
    this.slices.set(key, out);
    return out;
  }

  private touch(page: number): void {
    const lines = this.pages.get(page)!;
    this.pages.delete(page);
    this.pages.set(page, lines);
  }
}
