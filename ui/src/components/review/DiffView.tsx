import { forwardRef, memo, useEffect, useImperativeHandle, useMemo, useRef } from "react";
import { Diff, Hunk, Decoration } from "react-diff-view";
import { useVirtualizer } from "@tanstack/react-virtual";
import { highlight, languageOf, pieceOf, slotsOf, type Piece, type Slot, type SourceLine } from "../../lib/review/diff";
import { pagesFor, PAGE_LINES } from "../../lib/review/lines";
import type { FileLines } from "../../lib/review/useFileLines";
import "react-diff-view/style/index.css";

export type ViewType = "unified" | "split";

export interface DiffViewHandle {
  /** Scrolls to the next (+1) or previous (-1) change; false when there is none. */
  step(direction: 1 | -1): boolean;
}

const LINE_PX = 21;

/**
 * One file's change, drawn with react-diff-view (syntax highlighting by refractor) and
 * virtualised: only the pieces on screen are in the page, and only the pages of lines near
 * them are loaded (asked for as the lead scrolls), so a 200,000-line file scrolls like a short one.
 */
export const DiffView = forwardRef<DiffViewHandle, { file: FileLines; viewType: ViewType; hideWhitespace: boolean }>(
  function DiffView({ file, viewType, hideWhitespace }, ref) {
    const scroller = useRef<HTMLDivElement>(null);
    const current = useRef(-1);
    const { outline, store, need } = file;
    const slots = useMemo(() => slotsOf(outline.hunks), [outline]);
    const language = languageOf(outline.path);
    const virtual = useVirtualizer({
      count: slots.length,
      getScrollElement: () => scroller.current,
      estimateSize: (i) => slots[i].count * LINE_PX + (slots[i].first ? 30 : 0),
      overscan: 1,
    });
    const items = virtual.getVirtualItems();
    const shown = items.length ? [slots[items[0].index], slots[items[items.length - 1].index]] : [];

    useEffect(() => {
      current.current = -1;
      if (scroller.current) scroller.current.scrollTop = 0;
    }, [outline]);

    // The pages on screen, and half a page either side, so scrolling on finds them loaded.
    const from = shown.length ? shown[0].from : 0;
    const to = shown.length ? shown[1].from + shown[1].count : 0;
    useEffect(() => {
      if (to > from) need(pagesFor(Math.max(0, from - PAGE_LINES / 2), to - from + PAGE_LINES, store.total));
    }, [from, to, need, store]);

    useImperativeHandle(ref, () => ({
      step(direction) {
        // a "change" starts at the first piece of each hunk
        const starts = slots.map((p, i) => (p.first ? i : -1)).filter((i) => i >= 0);
        const next = direction > 0 ? starts.find((i) => i > current.current) : [...starts].reverse().find((i) => i < current.current);
        if (next === undefined) return false;
        current.current = next;
        virtual.scrollToIndex(next, { align: "start" });
        return true;
      },
    }));

    if (outline.binary) {
      return <p className="diff-note">This is a binary file (an image or similar): its change can't be shown as lines.</p>;
    }
    if (outline.lines_total === 0) {
      return (
        <p className="diff-note">
          {hideWhitespace ? "Only spaces and line breaks change in this file." : "Only the file's name or mode changes."}
        </p>
      );
    }
    return (
      <div className="diff-scroller" ref={scroller} data-testid="diff-scroller" tabIndex={0} aria-label={`Changes in ${outline.path}`}>
        <div style={{ height: virtual.getTotalSize(), position: "relative" }}>
          {items.map((row) => {
            const slot = slots[row.index];
            return (
              <div
                key={slot.key}
                data-index={row.index}
                ref={virtual.measureElement}
                className="diff-piece"
                style={{ position: "absolute", top: 0, left: 0, right: 0, transform: `translateY(${row.start}px)` }}
              >
                <SlotView slot={slot} lines={store.slice(slot.from, slot.count)} viewType={viewType} language={language} />
              </div>
            );
          })}
        </div>
      </div>
    );
  },
);

/** A slot: its piece once its lines are loaded, until then a blank of the same height. */
const SlotView = memo(function SlotView({ slot, lines, viewType, language }: { slot: Slot; lines: SourceLine[] | null; viewType: ViewType; language: string | null }) {
  const piece = useMemo(() => lines && pieceOf(slot, lines), [slot, lines]);
  if (!piece) return <div className="diff-pending" aria-busy="true" style={{ height: slot.count * LINE_PX }} />;
  return <PieceView piece={piece} viewType={viewType} language={language} />;
});

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
