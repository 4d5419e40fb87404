import type { Review } from "../../lib/ipc";
import { Markdown } from "../shared/Markdown";
import { podLabel } from "../../lib/format/format";

/** Beside the diff: the pod's summary and everything it wrote about its work. */
export function PodNotes({ review }: { review: Review }) {
  const item = review.item;
  return (
    <aside className="pod-notes" aria-label="The pod's notes" data-testid="pod-notes">
      <h3>{item.pod ? `From the ${podLabel(item.pod)}` : "From the pod"}</h3>
      <p className="notes-summary">{item.summary ?? "The pod gave no summary."}</p>
      {review.logs.length === 0 && <p className="muted">No reasoning trace, changelog or prompt came with this change.</p>}
      {review.logs.map((log, i) => (
        <details key={`${log.name}-${i}`} open={i < 2} data-testid="pod-log" data-kind={log.kind}>
          <summary>
            {log.title} <span className="muted">{log.name}</span>
          </summary>
          {log.format === "markdown" ? <Markdown text={log.text} /> : <pre className="log-text">{log.text}</pre>}
        </details>
      ))}
    </aside>
  );
}
