import type { Explained } from "../../lib/errors/errors";

/** A failure in plain words: what happened, what to do next, the detail, and a retry. */
export function ErrorPanel({ error, onRetry }: { error: Explained; onRetry?: () => void }) {
  return (
    <div className="error-panel" role="alert" data-code={error.code}>
      <h2>{error.title}</h2>
      <p>{error.next}</p>
      {error.detail && <pre className="detail">{error.detail}</pre>}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
