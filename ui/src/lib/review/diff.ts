// Turns the backend's per-file diff into the hunk shape react-diff-view renders, and splits
// very long hunks into pieces so the view can virtualise them (only what is on screen is drawn).
import { tokenize, type ChangeData, type HunkData, type HunkTokens } from "react-diff-view";
import { refractor } from "refractor";

/** The backend's shape (subset of bindings' FileDiff / DiffHunk / DiffLine). */
export interface SourceLine {
  kind: "context" | "added" | "removed";
  old: number | null;
  new: number | null;
  text: string;
}
export interface SourceHunk {
  header: string;
  old_start: number;
  old_lines: number;
  new_start: number;
  new_lines: number;
  lines: SourceLine[];
}

function toChange(l: SourceLine): ChangeData {
  switch (l.kind) {
    case "added":
      return { type: "insert", isInsert: true, content: l.text, lineNumber: l.new ?? 0 };
    case "removed":
      return { type: "delete", isDelete: true, content: l.text, lineNumber: l.old ?? 0 };
    default:
      return { type: "normal", isNormal: true, content: l.text, oldLineNumber: l.old ?? 0, newLineNumber: l.new ?? 0 };
  }
}

/** A whitespace-only change, for "hide whitespace": same text once blanks are removed. */
function sameIgnoringSpace(a: string, b: string): boolean {
  return a.replace(/\s+/g, "") === b.replace(/\s+/g, "");
}

/**
 * Drops changes that only differ in white space: a removed line followed (in the same run) by an
 * added line equal but for spaces becomes one context line.
 */
export function hideWhitespace(lines: SourceLine[]): SourceLine[] {
  const out: SourceLine[] = [];
  let i = 0;
  while (i < lines.length) {
    if (lines[i].kind !== "removed") {
      out.push(lines[i]);
      i++;
      continue;
    }
    // a run of removed lines followed by a run of added lines
    let r = i;
    while (r < lines.length && lines[r].kind === "removed") r++;
    let a = r;
    while (a < lines.length && lines[a].kind === "added") a++;
    const removed = lines.slice(i, r);
    const added = lines.slice(r, a);
    if (removed.length === added.length && removed.every((l, k) => sameIgnoringSpace(l.text, added[k].text))) {
      removed.forEach((l, k) => out.push({ kind: "context", old: l.old, new: added[k].new, text: added[k].text }));
    } else {
      out.push(...removed, ...added);
    }
    i = a;
  }
  return out;
}

/** Line count at which a hunk is cut into pieces for drawing. */
export const PIECE_LINES = 100;

/** One drawable piece: part of a hunk, with the header shown only on the first piece. */
export interface Piece {
  key: string;
  hunkIndex: number;
  first: boolean;
  hunk: HunkData;
}

/** Converts hunks to drawable pieces of at most `pieceLines` lines. */
export function toPieces(hunks: SourceHunk[], opts: { hideWhitespace?: boolean; pieceLines?: number } = {}): Piece[] {
  const size = opts.pieceLines ?? PIECE_LINES;
  const pieces: Piece[] = [];
  hunks.forEach((h, hunkIndex) => {
    const lines = opts.hideWhitespace ? hideWhitespace(h.lines) : h.lines;
    if (opts.hideWhitespace && lines.every((l) => l.kind === "context")) return;
    for (let start = 0, n = 0; start < lines.length || (start === 0 && n === 0); start += size, n++) {
      const part = lines.slice(start, start + size);
      const firstOld = part.find((l) => l.old !== null)?.old ?? h.old_start;
      const firstNew = part.find((l) => l.new !== null)?.new ?? h.new_start;
      pieces.push({
        key: `${hunkIndex}:${n}`,
        hunkIndex,
        first: n === 0,
        hunk: {
          content: n === 0 ? h.header : "",
          oldStart: firstOld,
          newStart: firstNew,
          oldLines: part.filter((l) => l.kind !== "added").length,
          newLines: part.filter((l) => l.kind !== "removed").length,
          changes: part.map(toChange),
        },
      });
      if (lines.length === 0) break;
    }
  });
  return pieces;
}

/** A language name refractor knows, from a file path; null when none fits. */
export function languageOf(path: string): string | null {
  const name = path.split("/").pop()?.toLowerCase() ?? "";
  const ext = name.includes(".") ? name.split(".").pop()! : name;
  const table: Record<string, string> = {
    rs: "rust", py: "python", ts: "typescript", tsx: "tsx", js: "javascript", jsx: "jsx", mjs: "javascript",
    json: "json", yaml: "yaml", yml: "yaml", md: "markdown", markdown: "markdown", toml: "toml", sh: "bash",
    bash: "bash", css: "css", html: "markup", xml: "markup", go: "go", java: "java", c: "c", h: "c", cpp: "cpp",
    rb: "ruby", sql: "sql", dockerfile: "docker", makefile: "makefile", ini: "ini", diff: "diff",
  };
  return table[ext] ?? null;
}

// react-diff-view 3 calls refractor 3's `highlight`, which returned the nodes themselves;
// refractor 4 returns a root holding them. This hands over the nodes.
const highlighter = {
  highlight: (code: string, language: string) => refractor.highlight(code, language).children,
} as unknown as typeof refractor;

/** Syntax-highlighting tokens for one piece, or null (unknown language, or a line the highlighter can't read). */
export function highlight(piece: Piece, language: string | null): HunkTokens | null {
  if (!language || !refractor.registered(language)) return null;
  try {
    return tokenize([piece.hunk], { highlight: true, refractor: highlighter, language });
  } catch {
    return null; // an odd line must never break the view
  }
}
