import { describe, expect, it } from "vitest";
import { highlight, hideWhitespace, languageOf, toPieces, type SourceHunk, type SourceLine } from "./diff";

const ctx = (o: number, n: number, text: string): SourceLine => ({ kind: "context", old: o, new: n, text });
const add = (n: number, text: string): SourceLine => ({ kind: "added", old: null, new: n, text });
const del = (o: number, text: string): SourceLine => ({ kind: "removed", old: o, new: null, text });

describe("diff pieces", () => {
  const hunk: SourceHunk = {
    header: "@@ -1,3 +1,4 @@ def f():",
    old_start: 1, old_lines: 3, new_start: 1, new_lines: 4,
    lines: [ctx(1, 1, "a"), del(2, "b"), add(2, "B"), add(3, "C"), ctx(3, 4, "c")],
  };

  it("maps lines to react-diff-view changes with the right numbers", () => {
    const [p] = toPieces([hunk]);
    expect(p.hunk.content).toBe("@@ -1,3 +1,4 @@ def f():");
    expect(p.hunk.changes.map((c) => c.type)).toEqual(["normal", "delete", "insert", "insert", "normal"]);
    expect(p.hunk.changes[1]).toMatchObject({ lineNumber: 2, content: "b" });
    expect(p.hunk.changes[4]).toMatchObject({ oldLineNumber: 3, newLineNumber: 4 });
    expect([p.hunk.oldLines, p.hunk.newLines]).toEqual([3, 4]);
  });

  it("cuts a huge hunk into pieces whose numbers continue", () => {
    const lines = Array.from({ length: 1000 }, (_, i) => add(i + 1, `line ${i + 1}`));
    const pieces = toPieces([{ header: "@@ -0,0 +1,1000 @@", old_start: 0, old_lines: 0, new_start: 1, new_lines: 1000, lines }], { pieceLines: 300 });
    expect(pieces.map((p) => p.hunk.changes.length)).toEqual([300, 300, 300, 100]);
    expect(pieces.map((p) => p.first)).toEqual([true, false, false, false]);
    expect(pieces[1].hunk.newStart).toBe(301);
    expect(pieces[3].hunk.newStart).toBe(901);
    expect(new Set(pieces.map((p) => p.key)).size).toBe(4);
  });

  it("hides changes that are only white space", () => {
    const lines = [ctx(1, 1, "x"), del(2, "if a:  "), add(2, "if  a:"), del(3, "real"), add(3, "change")];
    const shown = hideWhitespace(lines);
    expect(shown.map((l) => l.kind)).toEqual(["context", "context", "removed", "added"]);
    // a hunk that is only white space disappears entirely
    const onlySpace: SourceHunk = { header: "@@", old_start: 1, old_lines: 1, new_start: 1, new_lines: 1, lines: [del(1, "a b"), add(1, "a  b")] };
    expect(toPieces([onlySpace], { hideWhitespace: true })).toEqual([]);
    expect(toPieces([onlySpace])).toHaveLength(1);
  });

  it("highlights code by language, and leaves unknown languages plain", () => {
    const [p] = toPieces([{ header: "@@", old_start: 1, old_lines: 1, new_start: 1, new_lines: 1, lines: [del(1, "x = 1"), add(1, "def f(x): return 'a'")] }]);
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
