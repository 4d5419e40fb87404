import type { RefObject } from "react";
import type { Review } from "../../lib/ipc";
import type { Explained } from "../../lib/errors/errors";
import type { FileLines } from "../../lib/review/useFileLines";
import { contextWords, nextContext } from "../../lib/review/files";
import { DiffView, type DiffViewHandle, type ViewType } from "./DiffView";

/** The file on show: how to lay out its change, how much context, its repairs, and the diff. */
export function DiffPane({
  review,
  path,
  lines,
  error,
  context,
  onContext,
  view,
  layout,
}: {
  review: Review;
  path: string | null;
  lines: FileLines | null;
  /** Why the file's lines could not be read. */
  error: Explained | null;
  context: number;
  onContext: (lines: number) => void;
  view: RefObject<DiffViewHandle | null>;
  /** One column or side by side, and whether space-only changes are hidden (kept by the review). */
  layout: { viewType: ViewType; setViewType: (v: ViewType) => void; hideWs: boolean; setHideWs: (h: boolean) => void };
}) {
  const { viewType, setViewType, hideWs, setHideWs } = layout;
  const repairsHere = review.repairs.filter((r) => r.path === path);
  return (
    <div className="diff-pane">
      {path && (
        <div className="diff-toolbar" role="toolbar" aria-label="How to show the change">
          <code className="diff-path">{path}</code>
          <div className="seg" role="group" aria-label="Layout">
            <button type="button" aria-pressed={viewType === "unified"} onClick={() => setViewType("unified")}>
              One column
            </button>
            <button type="button" aria-pressed={viewType === "split"} onClick={() => setViewType("split")}>
              Side by side
            </button>
          </div>
          <label>
            <input type="checkbox" checked={hideWs} onChange={(e) => setHideWs(e.target.checked)} /> Hide space-only changes
          </label>
          <button type="button" className="quiet" onClick={() => onContext(nextContext(context))}>
            {contextWords(context)}
          </button>
          <button type="button" className="quiet" onClick={() => view.current?.step(-1)} title="Previous change (p)" aria-label="Previous change">
            ↑
          </button>
          <button type="button" className="quiet" onClick={() => view.current?.step(1)} title="Next change (n)" aria-label="Next change">
            ↓
          </button>
        </div>
      )}
      {repairsHere.length > 0 && (
        <ul className="repairs-inline">
          {repairsHere.map((r, i) => (
            <li key={i}>Repaired: {r.message}</li>
          ))}
        </ul>
      )}
      {error ? (
        <p className="diff-note" role="alert">
          {error.title} {error.next}
        </p>
      ) : lines && lines.path === path ? (
        <DiffView ref={view} file={lines} viewType={viewType} hideWhitespace={hideWs} />
      ) : (
        path && <div className="diff-loading" aria-busy="true" />
      )}
    </div>
  );
}
