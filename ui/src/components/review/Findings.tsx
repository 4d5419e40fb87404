import type { Review } from "../../lib/ipc";

/** What Patchdesk repaired in the patch, and why it can't be applied (or where it clashes). */
export function Findings({ review }: { review: Review }) {
  return (
    <>
      {review.repairs.length > 0 && (
        <div className="repairs" data-testid="repairs">
          <strong>Patchdesk repaired this patch before applying it:</strong>
          <ul>
            {review.repairs.map((r, i) => (
              <li key={i}>{r.message}</li>
            ))}
          </ul>
        </div>
      )}
      {review.problems.length > 0 && (
        <div className="problems-list" data-testid="problems">
          <strong>{review.outcome === "conflict" ? "These lines clash with newer changes:" : "Why it can't be applied:"}</strong>
          {review.problems.map((p, i) => (
            <div className="problem" key={i} data-testid="problem">
              <p>
                {p.path && <code>{p.path}</code>} {p.hunk !== null && <span className="muted">(change {p.hunk})</span>} {p.message}
              </p>
              {(p.ours.length > 0 || p.theirs.length > 0) && (
                <div className="sides">
                  <div>
                    <h4>In the project now</h4>
                    <pre>{p.ours.join("\n")}</pre>
                  </div>
                  <div>
                    <h4>What the pod wrote</h4>
                    <pre>{p.theirs.join("\n")}</pre>
                  </div>
                </div>
              )}
            </div>
          ))}
        </div>
      )}
    </>
  );
}
