import { useEffect, useMemo, useState } from "react";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { backend, type Metrics, type Pod } from "../../lib/ipc";
import { explain, type Explained } from "../../lib/errors/errors";
import {
  hasNumbers,
  leadBars,
  leadUnit,
  medianSentence,
  mergeSummary,
  outcomeRows,
  outcomeSentence,
  weeklyPatches,
  weeklySentence,
} from "../../lib/metrics/metrics";

type Load = { state: "loading" } | { state: "ready"; metrics: Metrics } | { state: "failed"; error: Explained };

/** Colours the charts draw with, read from the stylesheet so they follow light and dark mode. */
type ChartTheme = { ink: string; muted: string; line: string; panel: string; series: string[]; repaired: string; rejected: string };

const FALLBACK: ChartTheme = {
  ink: "#1d2330",
  muted: "#5b6475",
  line: "#dfe3ea",
  panel: "#ffffff",
  series: ["#2557d6", "#1f9e89", "#d4831a", "#8e59c9", "#c2417a", "#5b6475"],
  repaired: "#2557d6",
  rejected: "#b42318",
};

function readTheme(): ChartTheme {
  if (typeof window === "undefined" || typeof getComputedStyle !== "function") return FALLBACK;
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    ink: v("--ink", FALLBACK.ink),
    muted: v("--muted", FALLBACK.muted),
    line: v("--line", FALLBACK.line),
    panel: v("--panel", FALLBACK.panel),
    series: FALLBACK.series.map((c, i) => v(`--chart-${i + 1}`, c)),
    repaired: v("--chart-repaired", FALLBACK.repaired),
    rejected: v("--chart-rejected", FALLBACK.rejected),
  };
}

/** The chart colours, re-read when the system switches between light and dark. */
function useChartTheme(): ChartTheme {
  const [theme, setTheme] = useState<ChartTheme>(readTheme);
  useEffect(() => {
    const query = typeof window.matchMedia === "function" ? window.matchMedia("(prefers-color-scheme: dark)") : null;
    if (!query) return;
    const update = () => setTheme(readTheme());
    query.addEventListener?.("change", update);
    return () => query.removeEventListener?.("change", update);
  }, []);
  return theme;
}

/**
 * The "Numbers" screen: how many patches each pod sent per week, how long they took to go out for
 * review and to be merged, how many were merged, repaired or sent back. `pods` gives the names to
 * show (the board's pods); numbers for other pods use their key.
 */
export function MetricsView({ pods = [] }: { pods?: Pod[] }) {
  const [load, setLoad] = useState<Load>({ state: "loading" });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    setLoad({ state: "loading" });
    backend.projectMetrics().then(
      (metrics) => live && setLoad({ state: "ready", metrics }),
      (e) => live && setLoad({ state: "failed", error: explain(e) }),
    );
    return () => {
      live = false;
    };
  }, [attempt]);

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
          <button type="button" onClick={() => setAttempt((n) => n + 1)}>
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
          <LeadCard
            kind="drop_to_pr"
            title="Time from drop to review request"
            hint="From arriving in the inbox to being sent for review, per patch."
            m={m}
            names={names}
            theme={theme}
          />
          <LeadCard
            kind="pr_to_merge"
            title="Time from review request to merge"
            hint="From the review request to its merge, per patch."
            m={m}
            names={names}
            theme={theme}
          />
          <OutcomesCard m={m} names={names} theme={theme} />
        </div>
      )}
    </>
  );
}

type CardProps = { m: Metrics; names: Record<string, string>; theme: ChartTheme };

const CHART_HEIGHT = 185;

/** A chart that fills its card's width; a fixed starting size keeps it drawable without a layout (tests). */
function ChartBox({ label, children }: { label: string; children: React.ReactElement }) {
  return (
    <div className="chart" role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height={CHART_HEIGHT} initialDimension={{ width: 520, height: CHART_HEIGHT }}>
        {children}
      </ResponsiveContainer>
    </div>
  );
}

function axisProps(theme: ChartTheme) {
  return { stroke: theme.line, tick: { fill: theme.muted, fontSize: 12 }, tickLine: false } as const;
}

function tooltipProps(theme: ChartTheme) {
  return {
    contentStyle: { background: theme.panel, border: `1px solid ${theme.line}`, borderRadius: 6, color: theme.ink, fontSize: 13 },
    labelStyle: { color: theme.ink, fontWeight: 600 },
    itemStyle: { color: theme.ink },
    cursor: { fill: theme.line, opacity: 0.4 },
  };
}

function WeeklyCard({ m, names, theme }: CardProps) {
  const { series, rows } = weeklyPatches(m, names);
  return (
    <article className="metric-card wide" data-testid="metric-weekly">
      <h3>Patches received per week</h3>
      <p className="metric-sentence">{weeklySentence(m, names)}</p>
      {rows.length === 0 || series.length === 0 ? (
        <p className="muted">No patches have arrived yet.</p>
      ) : (
        <ChartBox label={`Patches received per week, by pod. ${weeklySentence(m, names)}`}>
          <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
            <CartesianGrid vertical={false} stroke={theme.line} />
            <XAxis dataKey="label" {...axisProps(theme)} />
            <YAxis allowDecimals={false} {...axisProps(theme)} />
            <Tooltip {...tooltipProps(theme)} labelFormatter={(l) => `Week of ${l}`} />
            <Legend itemSorter={null} wrapperStyle={{ fontSize: 13, color: theme.ink }} />
            {series.map((s, i) => (
              <Bar key={s.key} dataKey={s.key} name={s.name} stackId="pods" fill={theme.series[i % theme.series.length]} isAnimationActive={false} />
            ))}
          </BarChart>
        </ChartBox>
      )}
    </article>
  );
}

function MergeRateCard({ m, names }: { m: Metrics; names: Record<string, string> }) {
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

function LeadCard({ kind, title, hint, m, names, theme }: CardProps & { kind: "drop_to_pr" | "pr_to_merge"; title: string; hint: string }) {
  const list = kind === "drop_to_pr" ? m.drop_to_pr : m.pr_to_merge;
  const median = kind === "drop_to_pr" ? m.median_drop_to_pr_hours : m.median_pr_to_merge_hours;
  const unit = leadUnit(list);
  const bars = leadBars(list, unit, names);
  const sentence = medianSentence(kind, median, list.length);
  return (
    <article className="metric-card" data-testid={`metric-${kind}`}>
      <h3>{title}</h3>
      <p className="muted metric-hint">{hint}</p>
      {sentence && <p className="metric-sentence">{sentence}</p>}
      {bars.length === 0 ? (
        <p className="muted">{kind === "drop_to_pr" ? "No patch has been sent for review yet." : "No review request has been merged yet."}</p>
      ) : (
        <ChartBox label={`${title}, one bar per patch, in ${unit}. ${sentence ?? ""}`}>
          <BarChart data={bars} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
            <CartesianGrid vertical={false} stroke={theme.line} />
            <XAxis dataKey="label" {...axisProps(theme)} interval="preserveStartEnd" />
            <YAxis {...axisProps(theme)} />
            <Tooltip
              {...tooltipProps(theme)}
              formatter={(v) => [`${v} ${unit}`, "Took"]}
              labelFormatter={(label, payload) => {
                const bar = payload?.[0]?.payload as { item?: string; pod?: string } | undefined;
                return bar?.item ? `${label} · ${bar.pod}` : String(label);
              }}
            />
            <Bar dataKey="value" name={unit === "days" ? "Days" : "Hours"} fill={theme.series[0]} isAnimationActive={false} />
          </BarChart>
        </ChartBox>
      )}
    </article>
  );
}

function OutcomesCard({ m, names, theme }: CardProps) {
  const rows = outcomeRows(m, names);
  return (
    <article className="metric-card" data-testid="metric-outcomes">
      <h3>Repairs and rejections per pod</h3>
      <p className="metric-sentence">{outcomeSentence(rows)}</p>
      {rows.length > 0 && rows.some((r) => r.repaired + r.rejected > 0) && (
        <ChartBox label={`Repairs and rejections per pod. ${outcomeSentence(rows)}`}>
          <BarChart data={rows} layout="vertical" margin={{ top: 4, right: 12, bottom: 0, left: 0 }}>
            <CartesianGrid horizontal={false} stroke={theme.line} />
            <XAxis type="number" allowDecimals={false} {...axisProps(theme)} />
            <YAxis type="category" dataKey="name" width={96} interval={0} {...axisProps(theme)} />
            <Tooltip {...tooltipProps(theme)} />
            <Legend itemSorter={null} wrapperStyle={{ fontSize: 13, color: theme.ink }} />
            <Bar dataKey="repaired" name="Needed repairs" fill={theme.repaired} isAnimationActive={false} />
            <Bar dataKey="rejected" name="Sent back" fill={theme.rejected} isAnimationActive={false} />
          </BarChart>
        </ChartBox>
      )}
    </article>
  );
}
