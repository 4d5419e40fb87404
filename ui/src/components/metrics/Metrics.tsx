import { useMemo } from "react";
import type { Metrics, Pod } from "../../lib/ipc";
import { useChartTheme } from "../../lib/metrics/chartTheme";
import { hasNumbers } from "../../lib/metrics/metrics";
import { useMetrics } from "../../lib/metrics/useMetrics";
import { LeadCard, OutcomesCard, WeeklyCard } from "./ChartCards";
import { MergeRateCard } from "./MergeRateCard";

/**
 * The "Numbers" screen: how many patches each pod sent per week, how long they took to go out for
 * review and to be merged, how many were merged, repaired or sent back. `pods` gives the names to
 * show (the board's pods); numbers for other pods use their key.
 */
export function MetricsView({ pods = [] }: { pods?: Pod[] }) {
  const { load, retry } = useMetrics();
  return (
    <section className="panel metrics" aria-labelledby="metrics-heading" data-testid="metrics">
      <div className="panel-head">
        <h2 id="metrics-heading">Numbers</h2>
        <span className="count">From the project's logs and metrics file</span>
      </div>
      {load.state === "loading" && <div className="metrics-loading" aria-busy="true" aria-label="Counting…" />}
      {load.state === "failed" && (
        <div className="form-error metrics-failed" role="alert" data-code={load.error.code}>
          <p>
            <strong>{load.error.title}</strong> {load.error.next}
          </p>
          {load.error.detail && <p className="muted">{load.error.detail}</p>}
          <button type="button" onClick={retry}>
            Try again
          </button>
        </div>
      )}
      {load.state === "ready" && <MetricsBody metrics={load.metrics} pods={pods} />}
    </section>
  );
}

function MetricsBody({ metrics: m, pods }: { metrics: Metrics; pods: Pod[] }) {
  const theme = useChartTheme();
  const names = useMemo(() => Object.fromEntries(pods.map((p) => [p.key, p.name])), [pods]);
  return (
    <>
      {m.problems.length > 0 && (
        <div className="metrics-problems" data-testid="metrics-problems">
          <strong>Some numbers may be missing.</strong>
          <ul>
            {m.problems.map((p, i) => (
              <li key={`${p.path}#${i}`}>{p.message}</li>
            ))}
          </ul>
        </div>
      )}
      {!hasNumbers(m) ? (
        <div className="empty-state" data-testid="metrics-empty">
          <strong>No numbers yet.</strong>
          <p>
            Once pods' patches arrive in the inbox and go out for review, this page shows how many came in each week, how long
            they took, and how many were merged.
          </p>
        </div>
      ) : (
        <div className="metrics-grid">
          <WeeklyCard m={m} names={names} theme={theme} />
          <MergeRateCard m={m} names={names} />
          <LeadCard kind="drop_to_pr" m={m} names={names} theme={theme} />
          <LeadCard kind="pr_to_merge" m={m} names={names} theme={theme} />
          <OutcomesCard m={m} names={names} theme={theme} />
        </div>
      )}
    </>
  );
}
