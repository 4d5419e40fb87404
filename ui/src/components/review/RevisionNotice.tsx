import type { Review } from "../../lib/ipc";
import { plural } from "../../lib/format/format";
import { revisionWords } from "../../lib/review/revisions";

/**
 * For the pod's revision of an open request: what its review is checked against (the request's
 * branch as it is now), and a switch between what changed since the last revision and the whole
 * change against the base.
 */
export function RevisionNotice({ review, whole, onWhole }: { review: Review; whole: boolean; onWhole: (on: boolean) => void }) {
  const r = review.revision;
  if (!r) return null;
  const size = (files: number, added: number, removed: number) => `${plural(files, "file")} +${added} −${removed}`;
  return (
    <div className="notice" data-testid="revision-review">
      <strong>{revisionWords(r)}</strong>: checked against the request's branch <code>{r.branch}</code> as it is now.
      {r.whole && (
        <div className="seg" role="group" aria-label="Which change to show">
          <button type="button" aria-pressed={!whole} onClick={() => onWhole(false)} data-testid="revision-since">
            Since the last revision · {size(review.files.length, review.added, review.removed)}
          </button>
          <button type="button" aria-pressed={whole} onClick={() => onWhole(true)} data-testid="revision-whole">
            Whole change · {size(r.whole.files.length, r.whole.added, r.whole.removed)}
          </button>
        </div>
      )}
    </div>
  );
}
