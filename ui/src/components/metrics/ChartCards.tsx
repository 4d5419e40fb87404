import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Metrics } from "../../lib/ipc";
import { axisProps, tooltipProps, type ChartTheme } from "../../lib/metrics/chartTheme";
import { leadBars, leadUnit, medianSentence, outcomeRows, outcomeSentence, weeklyPatches, weeklySentence } from "../../lib/metrics/metrics";

/** What every chart card is given: the numbers, the pods' names by key, the colours. */
export type CardProps = { m: Metrics; names: Record<string, string>; theme: ChartTheme };

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

/** Patches received per week, stacked by pod. */
export function WeeklyCard({ m, names, theme }: CardProps) {
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

/** How long patches took: from drop to review request, or from review request to merge. */
/** What each lead-time card says: its title, the hint under it, and the line when it has no bar. */
const LEAD_WORDS = {
  drop_to_pr: {
    title: "Time from drop to review request",
    hint: "From arriving in the inbox to being sent for review, per patch.",
    none: "No patch has been sent for review yet.",
  },
  pr_to_merge: {
    title: "Time from review request to merge",
    hint: "From the review request to its merge, per patch.",
    none: "No review request has been merged yet.",
  },
} as const;

export function LeadCard({ kind, m, names, theme }: CardProps & { kind: keyof typeof LEAD_WORDS }) {
  const { title, hint, none } = LEAD_WORDS[kind];
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
        <p className="muted">{none}</p>
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

/** Repairs and rejections per pod. */
export function OutcomesCard({ m, names, theme }: CardProps) {
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
