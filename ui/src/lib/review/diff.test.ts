import { describe, expect, it } from "vitest";
import { highlight, languageOf, pieceOf, slotsOf, type SourceLine } from "./diff";

const ctx = (o: number, n: number, text: string): SourceLine => ({ kind: "context", old: o, new: n, text });
const add = (n: number, text: string): SourceLine => ({ kind: "added", old: null, new: n, text });
const del = (o: number, text: string): SourceLine => ({ kind: "removed", old: o, new: null, text });

describe("diff pieces", () => {
  const lines = [ctx(1, 1, "a"), del(2, "b"), add(2, "B"), add(3, "C"), ctx(3, 4, "c")];

  it("maps lines to react-diff-view changes with the right numbers", () => {
    const [slot] = slotsOf([{ header: "@@ -1,3 +1,4 @@ def f():", first_line: 0, line_count: 5 }]);
    const p = pieceOf(slot, lines);
    expect(p.hunk.content).toBe("@@ -1,3 +1,4 @@ def f():");
    expect(p.hunk.changes.map((c) => c.type)).toEqual(["normal", "delete", "insert", "insert", "normal"]);
    expect(p.hunk.changes[1]).toMatchObject({ lineNumber: 2, content: "b" });
    expect(p.hunk.changes[4]).toMatchObject({ oldLineNumber: 3, newLineNumber: 4 });
    expect([p.hunk.oldLines, p.hunk.newLines]).toEqual([3, 4]);
  });

  it("cuts huge hunks into slots that continue over the file's lines", () => {
    const slots = slotsOf(
      [
        { header: "@@ -0,0 +1,1000 @@", first_line: 0, line_count: 1000 },
        { header: "@@ -5,2 +1005,3 @@", first_line: 1000, line_count: 4 },
      ],
      300,
    );
    expect(slots.map((s) => [s.from, s.count])).toEqual([[0, 300], [300, 300], [600, 300], [900, 100], [1000, 4]]);
    expect(slots.map((s) => s.first)).toEqual([true, false, false, false, true]);
    expect(slots.map((s) => s.header)).toEqual(["@@ -0,0 +1,1000 @@", "", "", "", "@@ -5,2 +1005,3 @@"]);
    expect(new Set(slots.map((s) => s.key)).size).toBe(5);
    // a piece's numbers come from its own lines
    const p = pieceOf(slots[1], Array.from({ length: 300 }, (_, i) => add(301 + i, `line ${301 + i}`)));
    expect(p.hunk.newStart).toBe(301);
    expect(p.first).toBe(false);
  });

  it("keeps one slot for a hunk without lines", () => {
    expect(slotsOf([{ header: "@@", first_line: 0, line_count: 0 }])).toEqual([{ key: "0:0", hunkIndex: 0, first: true, header: "@@", from: 0, count: 0 }]);
  });

  it("highlights code by language, and leaves unknown languages plain", () => {
    const [slot] = slotsOf([{ header: "@@", first_line: 0, line_count: 2 }]);
    const p = pieceOf(slot, [del(1, "x = 1"), add(1, "def f(x): return 'a'")]);
    const tokens = highlight(p, "python");
    expect(tokens).not.toBeNull();
    const json = JSON.stringify(tokens!.new);
    expect(json).toContain('"className":["token","keyword"]');
    expect(json).toContain('"value":"def"');
    expect(highlight(p, null)).toBeNull();
    expect(highlight(p, "no-such-language")).toBeNull();
  });

  it("knows languages by file name", () => {
    expect(languageOf("src/app.rs")).toBe("rust");
    expect(languageOf("tests/test_stages.py")).toBe("python");
    expect(languageOf("Dockerfile")).toBe("docker");
    expect(languageOf("notes.unknownext")).toBeNull();
  });
});
