import type { Metrics } from "../../lib/ipc";
import { mergeSummary } from "../../lib/metrics/metrics";

/** How many patches sent for review were merged, overall and per pod. */
export function MergeRateCard({ m, names }: { m: Metrics; names: Record<string, string> }) {
  const s = mergeSummary(m);
  const perPod = m.pods.filter((p) => p.promoted > 0 && p.merge_rate !== null);
  return (
    <article className="metric-card" data-testid="metric-merge-rate">
      <h3>Patches merged after review</h3>
      {s.percent === null ? (
        <p className="muted">{s.sentence}</p>
      ) : (
        <>
          <p className="merge-rate">
            <span className="merge-rate-number" data-testid="merge-rate">
              {s.percent}
            </span>
          </p>
          <div className="rate-bar" aria-hidden="true">
            <span style={{ width: `${s.fraction * 100}%` }} />
          </div>
          <p className="metric-sentence">{s.sentence}</p>
          {perPod.length > 1 && (
            <ul className="rate-list">
              {perPod.map((p) => (
                <li key={p.pod}>
                  <span>{names[p.pod] ?? p.pod}</span>
                  <span>
                    {Math.round((p.merge_rate ?? 0) * 100)}% <span className="muted">({p.merged} of {p.promoted})</span>
                  </span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </article>
  );
}
