import { forwardRef, memo, useEffect, useImperativeHandle, useMemo, useRef } from "react";
import { Diff, Hunk, Decoration } from "react-diff-view";
import { useVirtualizer } from "@tanstack/react-virtual";
import type { FileDiff } from "../../lib/ipc";
import { highlight, languageOf, toPieces, type Piece } from "../../lib/review/diff";
import "react-diff-view/style/index.css";

export type ViewType = "unified" | "split";

export interface DiffViewHandle {
  /** Scrolls to the next (+1) or previous (-1) change; false when there is none. */
  step(direction: 1 | -1): boolean;
}

const LINE_PX = 21;

/**
 * One file's change, drawn with react-diff-view (syntax highlighting by refractor) and
 * virtualised: only the pieces on screen are in the page, so a 100,000-line file scrolls
 * like a short one.
 */
export const DiffView = forwardRef<DiffViewHandle, { diff: FileDiff; viewType: ViewType; hideWhitespace: boolean }>(
  function DiffView({ diff, viewType, hideWhitespace }, ref) {
    const scroller = useRef<HTMLDivElement>(null);
    const current = useRef(-1);
    const pieces = useMemo(() => toPieces(diff.hunks, { hideWhitespace }), [diff, hideWhitespace]);
    const language = languageOf(diff.path);
    const virtual = useVirtualizer({
      count: pieces.length,
      getScrollElement: () => scroller.current,
      estimateSize: (i) => pieces[i].hunk.changes.length * LINE_PX + (pieces[i].first ? 30 : 0),
      overscan: 3,
    });

    useEffect(() => {
      current.current = -1;
      if (scroller.current) scroller.current.scrollTop = 0;
    }, [diff, hideWhitespace]);

    useImperativeHandle(ref, () => ({
      step(direction) {
        // a "change" starts at the first piece of each hunk
        const starts = pieces.map((p, i) => (p.first ? i : -1)).filter((i) => i >= 0);
        const next = direction > 0 ? starts.find((i) => i > current.current) : [...starts].reverse().find((i) => i < current.current);
        if (next === undefined) return false;
        current.current = next;
        virtual.scrollToIndex(next, { align: "start" });
        return true;
      },
    }));

    if (diff.binary) {
      return <p className="diff-note">This is a binary file (an image or similar): its change can't be shown as lines.</p>;
    }
    if (pieces.length === 0) {
      return (
        <p className="diff-note">
          {hideWhitespace ? "Only spaces and line breaks change in this file." : "Only the file's name or mode changes."}
        </p>
      );
    }
    return (
      <div className="diff-scroller" ref={scroller} data-testid="diff-scroller" tabIndex={0} aria-label={`Changes in ${diff.path}`}>
        <div style={{ height: virtual.getTotalSize(), position: "relative" }}>
          {virtual.getVirtualItems().map((row) => {
            const piece = pieces[row.index];
            return (
              <div
                key={piece.key}
                data-index={row.index}
                ref={virtual.measureElement}
                className="diff-piece"
                style={{ position: "absolute", top: 0, left: 0, right: 0, transform: `translateY(${row.start}px)` }}
              >
                <PieceView piece={piece} viewType={viewType} language={language} />
              </div>
            );
          })}
        </div>
        {diff.truncated && <p className="diff-note">This file is very long; the rest is not shown.</p>}
      </div>
    );
  },
);

/**
 * One piece of a hunk, drawn once: its highlighting is worked out when the piece first shows
 * and kept while it stays in view, so scrolling does not re-read lines already on screen.
 */
const PieceView = memo(function PieceView({ piece, viewType, language }: { piece: Piece; viewType: ViewType; language: string | null }) {
  const hunks = useMemo(() => [piece.hunk], [piece]);
  const tokens = useMemo(() => highlight(piece, language), [piece, language]);
  return (
    <Diff viewType={viewType} diffType="modify" hunks={hunks} tokens={tokens}>
      {(hs) =>
        hs.flatMap((h) => [
          ...(piece.first
            ? [
                <Decoration key={`d-${piece.key}`}>
                  <span className="hunk-header">{h.content}</span>
                </Decoration>,
              ]
            : []),
          <Hunk key={`h-${piece.key}`} hunk={h} />,
        ])
      }
    </Diff>
  );
});
