import { useRef } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import type { Review, ReviewFile } from "../../lib/ipc";
import { byFolder, STATUS_LETTER, STATUS_WORD } from "../../lib/review/files";

/**
 * Above this many files only the rows on screen are in the page: a change of a thousand files
 * would otherwise hold thousands of buttons, and the window's memory, for as long as it shows.
 */
export const TREE_ROWS_DRAWN_ALL = 300;
const ROW_PX = 26;

type Row = { kind: "folder"; dir: string } | { kind: "file"; dir: string; file: ReviewFile };

/** The tree's rows in order: each folder's name, then its files. */
function rowsOf(files: ReviewFile[]): Row[] {
  return byFolder(files).flatMap(([dir, list]) => [
    ...(dir ? [{ kind: "folder", dir } as Row] : []),
    ...list.map((file) => ({ kind: "file", dir, file }) as Row),
  ]);
}

/** The change's files by folder; a click shows that file's diff. */
export function FileTree({
  review,
  files = review.files,
  path,
  onPick,
}: {
  review: Review;
  /** The files on show (a revision's whole change, or the change itself). */
  files?: ReviewFile[];
  path: string | null;
  onPick: (path: string) => void;
}) {
  const rows = rowsOf(files);
  const repaired = new Set(review.repairs.map((r) => r.path));
  const draw = (row: Row) =>
    row.kind === "folder" ? (
      <div className="folder">{row.dir}/</div>
    ) : (
      <FileButton file={row.file} dir={row.dir} selected={row.file.path === path} repaired={repaired.has(row.file.path)} onPick={onPick} />
    );
  return (
    <nav className="file-tree" aria-label="Files in this change" data-testid="file-tree">
      {rows.length > TREE_ROWS_DRAWN_ALL ? (
        <VirtualRows rows={rows} draw={draw} />
      ) : (
        rows.map((row) => (
          <div key={keyOf(row)} className="tree-row">
            {draw(row)}
          </div>
        ))
      )}
      {files.length === 0 && <p className="muted">No file changes to show.</p>}
    </nav>
  );
}

const keyOf = (row: Row) => (row.kind === "folder" ? `d:${row.dir}` : `f:${row.file.path}`);

/** A long tree: only the rows in view (and a few either side) are drawn. */
function VirtualRows({ rows, draw }: { rows: Row[]; draw: (row: Row) => React.ReactNode }) {
  const box = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => box.current?.parentElement ?? null,
    estimateSize: () => ROW_PX,
    overscan: 10,
  });
  return (
    <div ref={box} style={{ height: virtual.getTotalSize(), position: "relative", flexShrink: 0 }}>
      {virtual.getVirtualItems().map((item) => (
        <div
          key={keyOf(rows[item.index])}
          data-index={item.index}
          ref={virtual.measureElement}
          className="tree-row"
          style={{ position: "absolute", top: 0, left: 0, right: 0, transform: `translateY(${item.start}px)` }}
        >
          {draw(rows[item.index])}
        </div>
      ))}
    </div>
  );
}

function FileButton({
  file: f,
  dir,
  selected,
  repaired,
  onPick,
}: {
  file: ReviewFile;
  dir: string;
  selected: boolean;
  repaired: boolean;
  onPick: (path: string) => void;
}) {
  return (
    <button
      type="button"
      className={selected ? "file selected" : "file"}
      onClick={() => onPick(f.path)}
      title={`${f.path}: ${STATUS_WORD[f.status]}`}
      data-testid="tree-file"
      data-path={f.path}
      aria-current={selected}
    >
      <span className={`letter st-${f.status}`} aria-label={STATUS_WORD[f.status]}>
        {STATUS_LETTER[f.status]}
      </span>
      <span className="fname">{f.path.slice(dir ? dir.length + 1 : 0)}</span>
      {repaired && (
        <span className="repaired-mark" title="Patchdesk repaired this file's part of the patch">
          fixed
        </span>
      )}
      <span className="counts">
        <span className="plus">+{f.added}</span> <span className="minus">−{f.removed}</span>
      </span>
    </button>
  );
}
