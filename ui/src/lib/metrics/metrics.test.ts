import { describe, expect, it } from "vitest";
import type { LeadTime, Metrics, PodMetrics } from "../ipc";
import {
  duration, hasNumbers, leadBars, leadUnit, medianSentence, mergeSummary, outcomeRows, outcomeSentence, podName, shortItem,
  weekLabel, weeklyPatches, weeklySentence, weekStart,
} from "./metrics";

function pod(key: string, weeks: [string, number][], more: Partial<PodMetrics> = {}): PodMetrics {
  const ws = weeks.map(([week, patches]) => ({ week, patches, merged: 0, handoffs: 0 }));
  return {
    pod: key, weeks: ws, patches: ws.reduce((n, w) => n + w.patches, 0), promoted: 0, merged: 0, rejected: 0, repaired: 0,
    handoffs_out: 0, handoffs_in: 0, merge_rate: null, ...more,
  };
}

function lead(item: string, hours: number, task_id: string | null = null, pod: string | null = "DevPod"): LeadTime {
  return { item, task_id, pod, week: "2026-W47", hours };
}

function metrics(more: Partial<Metrics> = {}): Metrics {
  return {
    weeks: ["2026-W46", "2026-W47", "2026-W48"],
    pods: [
      pod("DevPod", [["2026-W46", 3], ["2026-W48", 2]], { promoted: 4, merged: 3, repaired: 2, rejected: 1, merge_rate: 0.75 }),
      pod("QAPod", [["2026-W47", 1]], { promoted: 2, merged: 1, merge_rate: 0.5 }),
      pod("Human", [], { handoffs_out: 2 }),
    ],
    drop_to_pr: [lead("patch_20261110_090000_F1.1.diff", 5, "F1.1"), lead("bundle.zip", 30)],
    pr_to_merge: [lead("patch_20261110_090000_F1.1.diff", 72, "F1.1")],
    median_drop_to_pr_hours: 17.5,
    median_pr_to_merge_hours: 72,
    merge_rate: 4 / 6,
    problems: [],
    ...more,
  };
}

const empty: Metrics = { weeks: [], pods: [], drop_to_pr: [], pr_to_merge: [], median_drop_to_pr_hours: null, median_pr_to_merge_hours: null, merge_rate: null, problems: [] };

describe("weeks", () => {
  it("finds the Monday of an ISO week, across year boundaries", () => {
    expect(weekStart("2026-W47")?.toISOString().slice(0, 10)).toBe("2026-11-16");
    expect(weekStart("2026-W01")?.toISOString().slice(0, 10)).toBe("2025-12-29");
    expect(weekStart("2021-W01")?.toISOString().slice(0, 10)).toBe("2021-01-04");
    expect(weekStart("2020-W53")?.toISOString().slice(0, 10)).toBe("2020-12-28");
    expect(weekStart("week 47")).toBeNull();
    expect(weekStart("2026-W60")).toBeNull();
  });

  it("labels weeks by their Monday, with the year only when needed", () => {
    expect(weekLabel("2026-W47")).toBe("16 Nov");
    expect(weekLabel("2026-W01", true)).toBe("29 Dec 2025");
    expect(weekLabel("not a week")).toBe("not a week");
  });
});

describe("patches per pod per week", () => {
  it("gives every week a row and every pod with patches a stacked series, zeros filled in", () => {
    const { series, rows } = weeklyPatches(metrics(), { DevPod: "Dev Pod" });
    expect(series).toEqual([
      { key: "p0", pod: "DevPod", name: "Dev Pod" },
      { key: "p1", pod: "QAPod", name: "QA pod" },
    ]);
    expect(rows).toEqual([
      { week: "2026-W46", label: "9 Nov", p0: 3, p1: 0 },
      { week: "2026-W47", label: "16 Nov", p0: 0, p1: 1 },
      { week: "2026-W48", label: "23 Nov", p0: 2, p1: 0 },
    ]);
  });

  it("adds the year to labels when the weeks span two years", () => {
    const m = metrics({ weeks: ["2025-W52", "2026-W01"], pods: [pod("DevPod", [["2025-W52", 1], ["2026-W01", 2]])] });
    expect(weeklyPatches(m).rows.map((r) => r.label)).toEqual(["22 Dec 2025", "29 Dec 2025"]);
  });

  it("says it in a sentence", () => {
    expect(weeklySentence(metrics(), { DevPod: "Dev Pod" })).toBe("6 patches in 3 weeks, most from the Dev Pod.");
    expect(weeklySentence(empty)).toBe("No patches have arrived yet.");
    const tie = metrics({ pods: [pod("DevPod", [["2026-W46", 1]]), pod("QAPod", [["2026-W46", 1]])], weeks: ["2026-W46"] });
    expect(weeklySentence(tie)).toBe("2 patches in 1 week.");
  });
});

describe("lead times", () => {
  it("speaks durations plainly", () => {
    expect(duration(0.01)).toBe("a minute or less");
    expect(duration(0.5)).toBe("30 minutes");
    expect(duration(1)).toBe("1 hour");
    expect(duration(5.25)).toBe("5.3 hours");
    expect(duration(17.5)).toBe("18 hours");
    expect(duration(72)).toBe("3 days");
    expect(duration(-1)).toBe("unknown");
  });

  it("chooses days once any patch took two days or more, and labels bars by task", () => {
    const m = metrics();
    expect(leadUnit(m.drop_to_pr)).toBe("hours");
    expect(leadUnit(m.pr_to_merge)).toBe("days");
    expect(leadBars(m.drop_to_pr, "hours").map((b) => [b.label, b.value, b.pod])).toEqual([["F1.1", 5, "Dev pod"], ["bundle", 30, "Dev pod"]]);
    expect(leadBars(m.pr_to_merge, "days")[0].value).toBe(3);
    expect(shortItem("patch_20261118_101500_F2.2.diff")).toBe("F2.2");
  });

  it("states the median in words", () => {
    expect(medianSentence("drop_to_pr", 17.5, 2)).toBe("Half of the 2 patches went out for review within 18 hours of arriving (the median).");
    expect(medianSentence("pr_to_merge", 72, 1)).toBe("The one merged patch so far was merged 3 days after its review was requested.");
    expect(medianSentence("drop_to_pr", null, 0)).toBeNull();
  });
});

describe("merge rate", () => {
  it("is a percentage with the counts behind it", () => {
    const s = mergeSummary(metrics());
    expect(s.percent).toBe("67%");
    expect(s.fraction).toBeCloseTo(2 / 3);
    expect(s.sentence).toBe("4 of 6 patches sent for review were merged.");
    expect(mergeSummary(empty)).toMatchObject({ percent: null, sentence: "Nothing has been sent for review yet." });
  });
});

describe("repairs and rejections", () => {
  it("lists pods with patches or outcomes and sums them in a sentence", () => {
    const rows = outcomeRows(metrics());
    expect(rows.map((r) => [r.pod, r.repaired, r.rejected])).toEqual([["DevPod", 2, 1], ["QAPod", 0, 0]]);
    expect(outcomeSentence(rows)).toBe("2 patches needed repairs before they applied; 1 was sent back to the pod.");
    expect(outcomeSentence([{ pod: "QAPod", name: "QA", repaired: 0, rejected: 0, patches: 1 }])).toBe("No patch has needed repairs or been sent back so far.");
  });
});

describe("empty project", () => {
  it("has no numbers until something happens", () => {
    expect(hasNumbers(empty)).toBe(false);
    expect(hasNumbers({ ...empty, pods: [pod("Human", [], { handoffs_out: 1 })] })).toBe(true);
    expect(hasNumbers(metrics())).toBe(true);
    expect(podName(null)).toBe("No pod");
  });
});
