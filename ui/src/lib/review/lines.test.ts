import { describe, expect, it } from "vitest";
import type { FileDiff } from "../ipc";
import type { SourceLine } from "./diff";
import { LineStore, PAGE_LINES, pagesFor } from "./lines";

const TOTAL = 10 * PAGE_LINES + 500;
const line = (i: number): SourceLine => ({ kind: "added", old: null, new: i + 1, text: `row ${i + 1}` });
/** The backend's answer for page `p` of a file of TOTAL added lines in one hunk. */
function page(p: number): FileDiff {
  const from = p * PAGE_LINES;
  const lines = Array.from({ length: Math.max(0, Math.min(PAGE_LINES, TOTAL - from)) }, (_, i) => line(from + i));
  return {
    path: "gen/table.txt", old_path: null, binary: false, lines_total: TOTAL, from,
    hunks: [{ header: "@@", old_start: 0, old_lines: 0, new_start: 1, new_lines: TOTAL, first_line: 0, line_count: TOTAL, lines }],
  };
}

describe("the file's lines, page by page", () => {
  it("names the pages a range of lines needs", () => {
    expect(pagesFor(0, 100, TOTAL)).toEqual([0]);
    expect(pagesFor(PAGE_LINES - 50, 100, TOTAL)).toEqual([0, 1]);
    expect(pagesFor(TOTAL - 10, 100, TOTAL)).toEqual([10]);
    expect(pagesFor(TOTAL, 100, TOTAL)).toEqual([]);
  });

  it("gives a range only once all its pages are loaded, across a page's end, the same array each time", () => {
    const store = new LineStore(TOTAL);
    store.put(page(0));
    const from = PAGE_LINES - 50;
    expect(store.slice(from, 100)).toBeNull();
    store.put(page(1));
    const got = store.slice(from, 100)!;
    expect(got.map((l) => l.text)).toEqual(Array.from({ length: 100 }, (_, i) => `row ${from + i + 1}`));
    expect(store.slice(from, 100)).toBe(got);
    expect(store.slice(TOTAL - 20, 100)).toBeNull();
    store.put(page(10));
    const tail = store.slice(TOTAL - 20, 100)!;
    expect(tail[tail.length - 1].text).toBe(`row ${TOTAL}`);
  });

  it("keeps only the pages used last, so memory stays bounded however far the lead scrolls", () => {
    const store = new LineStore(TOTAL, 3);
    for (let p = 0; p <= 10; p++) {
      store.put(page(p));
      expect(store.slice(p * PAGE_LINES, 10)).not.toBeNull();
    }
    expect(store.loaded()).toEqual([8, 9, 10]);
    expect(store.slice(0, 10)).toBeNull();
    // reading a page makes it recent: it outlives the others
    store.slice(8 * PAGE_LINES, 10);
    store.put(page(0));
    expect(store.loaded()).toEqual([10, 8, 0]);
  });
});
