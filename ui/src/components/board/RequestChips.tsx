import { requestChips, type RequestView } from "../../lib/review/loop";

/** A request's state, what its reviewers said and its checks, as small chips ("In review #3", "Changes asked by Dana · 2 comments", "Checks failing"). */
export function RequestChips({ view, onOpen }: { view: RequestView; onOpen?: () => void }) {
  return (
    <div className="request-chips" data-testid="request-chips">
      {requestChips(view).map((c) =>
        c.key === "state" && onOpen ? (
          <button
            type="button"
            key={c.key}
            className={`review-chip review-${view.state}`}
            data-testid="review-chip"
            data-state={view.state}
            title="What reviewers said, and what you can do now"
            onClick={onOpen}
            onPointerDown={(e) => e.stopPropagation()}
          >
            {c.text}
          </button>
        ) : (
          <span key={c.key} className={`request-chip tone-${c.tone}`} data-testid={`request-${c.key}`} data-tone={c.tone}>
            {c.text}
          </span>
        ),
      )}
    </div>
  );
}
