// Turns the backend's per-file diff into the hunk shape react-diff-view renders, cut into
// pieces so the view can virtualise them: only what is on screen is drawn, and only the pages
// of lines near it are loaded (lib/review/lines).
import { tokenize, type ChangeData, type HunkData, type HunkTokens } from "react-diff-view";
import { refractor } from "refractor";

/** The backend's shape (subset of bindings' FileDiff / DiffHunk / DiffLine). */
export interface SourceLine {
  kind: "context" | "added" | "removed";
  old: number | null;
  new: number | null;
  text: string;
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

/** Line count at which a hunk is cut into pieces for drawing. */
export const PIECE_LINES = 25;

/**
 * A piece's place before its lines are known: part of a hunk (`count` lines from the file's
 * `from`-th, counted over all hunks), with the header shown only on the first piece.
 */
export interface Slot {
  key: string;
  hunkIndex: number;
  first: boolean;
  header: string;
  from: number;
  count: number;
}

/** The hunks' shape the backend sends (subset of bindings' DiffHunk). */
export interface HunkPlace {
  header: string;
  first_line: number;
  line_count: number;
}

/** Cuts every hunk into slots of at most `pieceLines` lines (a hunk without lines keeps one). */
export function slotsOf(hunks: HunkPlace[], pieceLines = PIECE_LINES): Slot[] {
  const slots: Slot[] = [];
  hunks.forEach((h, hunkIndex) => {
    let n = 0;
    for (let at = 0; at < h.line_count || n === 0; at += pieceLines, n++) {
      slots.push({
        key: `${hunkIndex}:${n}`,
        hunkIndex,
        first: n === 0,
        header: n === 0 ? h.header : "",
        from: h.first_line + at,
        count: Math.max(0, Math.min(pieceLines, h.line_count - at)),
      });
    }
  });
  return slots;
}

/** One drawable piece: a slot with its lines, in react-diff-view's shape. */
export interface Piece {
  key: string;
  hunkIndex: number;
  first: boolean;
  hunk: HunkData;
}

/** The piece for `slot` once its `lines` are loaded; line numbers come from the lines themselves. */
export function pieceOf(slot: Slot, lines: SourceLine[]): Piece {
  return {
    key: slot.key,
    hunkIndex: slot.hunkIndex,
    first: slot.first,
    hunk: {
      content: slot.header,
      oldStart: lines.find((l) => l.old !== null)?.old ?? 0,
      newStart: lines.find((l) => l.new !== null)?.new ?? 0,
      oldLines: lines.filter((l) => l.kind !== "added").length,
      newLines: lines.filter((l) => l.kind !== "removed").length,
      changes: lines.map(toChange),
    },
  };
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
