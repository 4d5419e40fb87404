import { lazy, Suspense, useEffect } from "react";
import type { ItemCheck, Overview } from "../../lib/ipc";
import { useRevisions } from "../../lib/review/revisions";
import { Inbox } from "../inbox/Inbox";
import { WatchLine } from "../inbox/WatchLine";

// The review (diff view, syntax colouring, Markdown) is most of the UI's code: it is read two
// seconds after the inbox shows, so the window shows the inbox sooner and the first item
// still opens at once.
const loadReview = () => import("../review/ReviewPane").then((m) => ({ default: m.ReviewPane }));
const ReviewPane = lazy(loadReview);
const READ_REVIEW_AFTER_MS = 2000;
const preparing = <section className="panel review" aria-busy="true" aria-label="Preparing the review" />;

/** The inbox screen: the list on the left, the selected item's review (or a hint) on the right. */
export function InboxScreen({
  overview,
  selected,
  onSelect,
  checks,
  checking = false,
  onChanged,
  toast,
  downloads,
  onPaste,
}: {
  overview: Overview;
  selected: string | null;
  onSelect: (name: string | null) => void;
  checks: Record<string, ItemCheck>;
  /** A round of checks is under way. */
  checking?: boolean;
  onChanged: () => void;
  toast: (text: string) => void;
  downloads: { watched: string | null; set: (on: boolean, folder: string | null) => Promise<void>; choose: () => Promise<void> };
  /** Opens "Paste from chat". */
  onPaste: () => void;
}) {
  const revisions = useRevisions(overview);
  useEffect(() => {
    const t = setTimeout(() => void loadReview(), READ_REVIEW_AFTER_MS);
    return () => clearTimeout(t);
  }, []);
  return (
    <main className="workspace inbox-screen">
      <Inbox items={overview.inbox} selected={selected} onSelect={onSelect} checks={checks} checking={checking} onPaste={onPaste} revisions={revisions} />
      {selected && overview.inbox.some((i) => i.name === selected) ? (
        <Suspense fallback={preparing}>
          <ReviewPane
            key={selected}
            name={selected}
            target={overview.summary.remote?.isPractice ? "the practice remote" : "GitHub"}
            onChanged={onChanged}
            toast={toast}
            board={overview.board}
            updates={revisions.get(selected)?.number ?? null}
            onClose={() => {
              onSelect(null);
              // the keyboard goes back to the item just closed, in the list
              const name = selected;
              requestAnimationFrame(() =>
                [...document.querySelectorAll<HTMLElement>('[data-testid="inbox-item"]')].find((li) => li.dataset.name === name)?.focus(),
              );
            }}
          />
        </Suspense>
      ) : (
        <section className="panel review-empty">
          <p>
            <strong>Pick an item to review it.</strong>
          </p>
          <p className="muted">You'll see exactly what it changes, with the pod's reasoning beside it.</p>
          <WatchLine {...downloads} />
        </section>
      )}
    </main>
  );
}

/** Placeholders while the project is read. */
export function Loading() {
  return (
    <main className="workspace" aria-busy="true">
      <section className="panel skeleton" aria-label="Loading the inbox" />
      <section className="panel skeleton" aria-label="Loading the review" />
    </main>
  );
}

/** Shown while files are dragged over the window. */
export function DropOverlay() {
  return (
    <div className="drop-overlay" data-testid="drop-overlay">
      <div>
        <strong>Drop to add to the inbox</strong>
        <p>Patches (.diff, .patch), ZIP bundles, and the pod's sidecar and logs (.json, .md, .yaml). Drop them together.</p>
      </div>
    </div>
  );
}
