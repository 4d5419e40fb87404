// Turning the project's numbers (`Metrics` from the backend) into chart rows and plain sentences.
// Pure functions, so every rule can be tested without drawing anything.
import type { LeadTime, Metrics } from "../ipc";
import { plural, podLabel } from "../format/format";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** The Monday an ISO week (`2026-W47`) starts on, in UTC; null when the text is not a week. */
export function weekStart(week: string): Date | null {
  const m = /^(\d{4})-W(\d{1,2})$/.exec(week.trim());
  if (!m) return null;
  const year = Number(m[1]);
  const w = Number(m[2]);
  if (w < 1 || w > 53) return null;
  // 4 January is always in week 1; step back to that week's Monday.
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const monday = Date.UTC(year, 0, 4 - ((jan4.getUTCDay() + 6) % 7));
  return new Date(monday + (w - 1) * 7 * 86_400_000);
}

/** "2026-W47" → "16 Nov" (the week's Monday); the year is added when the weeks span several years. */
export function weekLabel(week: string, withYear = false): string {
  const d = weekStart(week);
  if (!d) return week;
  const text = `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
  return withYear ? `${text} ${d.getUTCFullYear()}` : text;
}

/** The name to show for a pod key in the numbers: the board's name when known, else "Dev pod". */
export function podName(key: string | null | undefined, names: Record<string, string> = {}): string {
  if (key && names[key]) return names[key];
  return podLabel(key);
}

/** One stacked series: a pod's bars. `key` is a safe chart field name (`p0`, `p1`...). */
export type PodSeries = { key: string; pod: string; name: string };

/** Rows for "Patches received per week": one per week, a field per pod. */
export type WeekRow = { week: string; label: string } & Record<string, string | number>;

/**
 * Patches received per pod per week, ready for a stacked bar chart. Every week of the project
 * gets a row (0 where a pod had none), oldest first; only pods that received any patch get a
 * series.
 */
export function weeklyPatches(m: Metrics, names: Record<string, string> = {}): { series: PodSeries[]; rows: WeekRow[] } {
  const pods = m.pods.filter((p) => p.weeks.some((w) => w.patches > 0));
  const series = pods.map((p, i) => ({ key: `p${i}`, pod: p.pod, name: podName(p.pod, names) }));
  const years = new Set(m.weeks.map((w) => w.slice(0, 4)));
  const rows = m.weeks.map((week) => {
    const row: WeekRow = { week, label: weekLabel(week, years.size > 1) };
    pods.forEach((p, i) => {
      row[`p${i}`] = p.weeks.find((w) => w.week === week)?.patches ?? 0;
    });
    return row;
  });
  return { series, rows };
}

/** A length of time as a person would say it: "40 minutes", "5 hours", "2.5 days". */
export function duration(hours: number): string {
  if (!Number.isFinite(hours) || hours < 0) return "unknown";
  if (hours < 1) {
    const minutes = Math.round(hours * 60);
    return minutes <= 1 ? "a minute or less" : `${minutes} minutes`;
  }
  if (hours < 48) {
    const h = hours < 10 ? Math.round(hours * 10) / 10 : Math.round(hours);
    return h === 1 ? "1 hour" : `${h} hours`;
  }
  const days = Math.round((hours / 24) * 10) / 10;
  return `${days} days`;
}

/** Whether a lead-time chart reads better in hours or in days. */
export function leadUnit(list: LeadTime[]): "hours" | "days" {
  return list.some((l) => l.hours >= 48) ? "days" : "hours";
}

/** One bar of a lead-time chart: one patch. */
export type LeadBar = { key: string; label: string; item: string; pod: string; value: number; hours: number };

/** Lead times as bars in the chosen unit (one decimal), labelled by task id when known. */
export function leadBars(list: LeadTime[], unit: "hours" | "days", names: Record<string, string> = {}): LeadBar[] {
  return list.map((l, i) => ({
    key: `${l.item}#${i}`,
    label: l.task_id || shortItem(l.item),
    item: l.item,
    pod: podName(l.pod, names),
    hours: l.hours,
    value: Math.round((unit === "days" ? l.hours / 24 : l.hours) * 10) / 10,
  }));
}

/** "patch_20261118_101500_F2.2.diff" → "F2.2"-ish: the name without the date stamp and extension. */
export function shortItem(item: string): string {
  const base = item.replace(/\.(diff|patch|zip)$/i, "").replace(/^patch_\d{8}_\d{6}_?/, "");
  return base || item;
}

/**
 * The median in a sentence, e.g. "Half of the patches went out for review within 5 hours of
 * arriving." Null when there is nothing to say.
 */
export function medianSentence(kind: "drop_to_pr" | "pr_to_merge", median: number | null, count: number): string | null {
  if (median === null || count === 0) return null;
  if (count === 1) {
    return kind === "drop_to_pr"
      ? `The one patch sent for review so far went out ${duration(median)} after it arrived.`
      : `The one merged patch so far was merged ${duration(median)} after its review was requested.`;
  }
  return kind === "drop_to_pr"
    ? `Half of the ${count} patches went out for review within ${duration(median)} of arriving (the median).`
    : `Half of the ${count} merged patches were merged within ${duration(median)} of the review request (the median).`;
}

/** The merge rate in words and numbers. */
export type MergeSummary = { percent: string | null; fraction: number; merged: number; promoted: number; sentence: string };

/** "67%" and "8 of 12 patches sent for review were merged." from the backend's rate and counts. */
export function mergeSummary(m: Metrics): MergeSummary {
  const merged = m.pods.reduce((n, p) => n + p.merged, 0);
  const promoted = m.pods.reduce((n, p) => n + p.promoted, 0);
  const rate = m.merge_rate ?? (promoted > 0 ? merged / promoted : null);
  if (rate === null || promoted === 0) {
    return { percent: null, fraction: 0, merged, promoted, sentence: "Nothing has been sent for review yet." };
  }
  const fraction = Math.min(1, Math.max(0, rate));
  return {
    percent: `${Math.round(fraction * 100)}%`,
    fraction,
    merged,
    promoted,
    sentence: `${merged} of ${plural(promoted, "patch", "patches")} sent for review ${merged === 1 ? "was" : "were"} merged.`,
  };
}

/** One pod's row in "Repairs and rejections per pod". */
export type OutcomeRow = { pod: string; name: string; repaired: number; rejected: number; patches: number };

/** Pods that received patches or had any repaired or rejected, in the board's order. */
export function outcomeRows(m: Metrics, names: Record<string, string> = {}): OutcomeRow[] {
  return m.pods
    .filter((p) => p.patches > 0 || p.repaired > 0 || p.rejected > 0)
    .map((p) => ({ pod: p.pod, name: podName(p.pod, names), repaired: p.repaired, rejected: p.rejected, patches: p.patches }));
}

/** "3 patches needed repairs and 1 was sent back." or a calm "none" sentence. */
export function outcomeSentence(rows: OutcomeRow[]): string {
  const repaired = rows.reduce((n, r) => n + r.repaired, 0);
  const rejected = rows.reduce((n, r) => n + r.rejected, 0);
  if (repaired === 0 && rejected === 0) return "No patch has needed repairs or been sent back so far.";
  const a = repaired === 0 ? "No patch needed repairs" : `${plural(repaired, "patch", "patches")} needed repairs before ${repaired === 1 ? "it" : "they"} applied`;
  const b = rejected === 0 ? "none was sent back" : `${rejected} ${rejected === 1 ? "was" : "were"} sent back to the pod`;
  return `${a}; ${b}.`;
}

/** Does the project have any numbers to chart at all? */
export function hasNumbers(m: Metrics): boolean {
  return (
    m.drop_to_pr.length > 0 ||
    m.pr_to_merge.length > 0 ||
    m.pods.some((p) => p.patches > 0 || p.promoted > 0 || p.merged > 0 || p.rejected > 0 || p.repaired > 0 || p.handoffs_in > 0 || p.handoffs_out > 0)
  );
}

/** "14 patches in 3 weeks, most from the Dev pod." */
export function weeklySentence(m: Metrics, names: Record<string, string> = {}): string {
  const total = m.pods.reduce((n, p) => n + p.patches, 0);
  if (total === 0) return "No patches have arrived yet.";
  const top = [...m.pods].sort((a, b) => b.patches - a.patches);
  const tie = top.length > 1 && top[0].patches === top[1].patches;
  const weeks = plural(m.weeks.length, "week");
  const lead = tie || m.pods.length < 2 ? "" : `, most from the ${podName(top[0].pod, names)}`;
  return `${plural(total, "patch", "patches")} in ${weeks}${lead}.`;
}
