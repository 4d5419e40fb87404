import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import type { Metrics, Overview, Pod } from "../../lib/ipc";
import { mockBackend, refusal, resetBackend } from "../../lib/ipc/mock";
import { MetricsView } from "./Metrics";
import { App } from "../../App";

afterEach(() => {
  cleanup();
  resetBackend();
});

const pods: Pod[] = ["DevPod", "QAPod"].map((key) => ({ key, name: key.replace("Pod", " Pod"), template: "", aliases: [], configured: true }));

function sample(): Metrics {
  const week = (week: string, patches: number) => ({ week, patches, merged: 0, handoffs: 0 });
  return {
    weeks: ["2026-W46", "2026-W47"],
    pods: [
      { pod: "DevPod", weeks: [week("2026-W46", 3), week("2026-W47", 1)], patches: 4, promoted: 3, merged: 2, rejected: 1, repaired: 2, handoffs_out: 1, handoffs_in: 0, merge_rate: 2 / 3 },
      { pod: "QAPod", weeks: [week("2026-W47", 2)], patches: 2, promoted: 1, merged: 1, rejected: 0, repaired: 0, handoffs_out: 0, handoffs_in: 1, merge_rate: 1 },
    ],
    drop_to_pr: [
      { item: "patch_20261110_090000_F1.1.diff", task_id: "F1.1", pod: "DevPod", week: "2026-W46", hours: 4 },
      { item: "patch_20261117_090000_F2.1.diff", task_id: "F2.1", pod: "QAPod", week: "2026-W47", hours: 6 },
    ],
    pr_to_merge: [{ item: "patch_20261110_090000_F1.1.diff", task_id: "F1.1", pod: "DevPod", week: "2026-W46", hours: 20 }],
    median_drop_to_pr_hours: 5,
    median_pr_to_merge_hours: 20,
    merge_rate: 0.75,
    problems: [{ path: "metrics/metrics.yaml", message: "metrics/metrics.yaml, line 3: a list item is missing its dash; its weekly counts were left out" }],
  };
}

function serve(result: () => Metrics) {
  const { calls } = mockBackend({ projectMetrics: result });
  return calls;
}

describe("the Numbers screen", () => {
  it("charts the project's numbers with plain sentences, and shows unreadable files as warnings", async () => {
    const calls = serve(sample);
    render(<MetricsView pods={pods} />);
    const weekly = await screen.findByTestId("metric-weekly");
    expect(within(weekly).getByText("Patches received per week")).toBeTruthy();
    expect(within(weekly).getByText("6 patches in 2 weeks, most from the Dev Pod.")).toBeTruthy();
    // the stacked chart is drawn: one bar per pod and week with patches, heights in proportion (3, 1 and 2)
    await waitFor(() => expect(weekly.querySelectorAll(".recharts-rectangle").length).toBe(3));
    const bars = [...weekly.querySelectorAll(".recharts-rectangle")].map((r) => [r.getAttribute("fill"), Number(r.getAttribute("height"))] as const);
    expect(bars.map(([fill]) => fill)).toEqual(["#2557d6", "#2557d6", "#1f9e89"]);
    expect(bars[0][1] / bars[1][1]).toBeCloseTo(3);
    expect(bars[2][1] / bars[1][1]).toBeCloseTo(2);
    const ticks = [...weekly.querySelectorAll(".recharts-cartesian-axis-tick-value")].map((t) => t.textContent);
    expect(ticks.filter((t) => / [A-Z][a-z]{2}$/.test(t ?? ""))).toEqual(["9 Nov", "16 Nov"]); // weeks by their Monday
    expect(within(weekly).getByText("Dev Pod")).toBeTruthy(); // legend uses the board's pod names
    expect(weekly.querySelector("[role=img]")?.getAttribute("aria-label")).toContain("by pod");

    expect(screen.getByTestId("merge-rate").textContent).toBe("75%");
    expect(screen.getByText("3 of 4 patches sent for review were merged.")).toBeTruthy();

    const drop = screen.getByTestId("metric-drop_to_pr");
    expect(within(drop).getByText("Time from drop to review request")).toBeTruthy();
    expect(within(drop).getByText("Half of the 2 patches went out for review within 5 hours of arriving (the median).")).toBeTruthy();
    const merge = screen.getByTestId("metric-pr_to_merge");
    expect(within(merge).getByText("The one merged patch so far was merged 20 hours after its review was requested.")).toBeTruthy();

    const outcomes = screen.getByTestId("metric-outcomes");
    expect(within(outcomes).getByText("2 patches needed repairs before they applied; 1 was sent back to the pod.")).toBeTruthy();

    const warnings = screen.getByTestId("metrics-problems");
    expect(warnings.textContent).toContain("Some numbers may be missing.");
    expect(warnings.textContent).toContain("line 3: a list item is missing its dash");
    expect(screen.queryByTestId("metrics-empty")).toBeNull();
    expect(calls.map((c) => c.command)).toEqual(["projectMetrics"]);
  });

  it("says kindly that there are no numbers yet", async () => {
    serve(() => ({ weeks: [], pods: [], drop_to_pr: [], pr_to_merge: [], median_drop_to_pr_hours: null, median_pr_to_merge_hours: null, merge_rate: null, problems: [] }));
    render(<MetricsView pods={pods} />);
    const empty = await screen.findByTestId("metrics-empty");
    expect(empty.textContent).toContain("No numbers yet.");
    expect(screen.queryByTestId("metric-weekly")).toBeNull();
    expect(screen.queryByTestId("metrics-problems")).toBeNull();
  });

  it("explains a failure and tries again on request", async () => {
    let attempts = 0;
    serve(() => {
      attempts += 1;
      if (attempts === 1) throw refusal("repo_not_found", "There is no git repository at /home/lead/x.");
      return sample();
    });
    render(<MetricsView pods={pods} />);
    const alert = await screen.findByRole("alert");
    expect(alert.getAttribute("data-code")).toBe("repo_not_found");
    expect(alert.textContent).toContain("There is no git repository at /home/lead/x.");
    within(alert).getByRole("button", { name: "Try again" }).click();
    expect((await screen.findByTestId("merge-rate")).textContent).toBe("75%");
    expect(attempts).toBe(2);
  });

  it("opens from the Numbers tab next to Inbox and Board", async () => {
    const overview = {
      summary: { name: "Demo", path: "/tmp/demo/project", branch: "main", remote: null, isDemo: true },
      inbox: [],
      board: { pods, tasks: [], problems: [] },
    } as unknown as Overview;
    const { calls } = mockBackend({ currentProject: () => overview, projectMetrics: sample });
    const asked = () => calls.map((c) => c.command);
    render(<App />);
    const tab = await screen.findByTestId("tab-numbers");
    expect(screen.getAllByRole("button", { name: /^(Inbox|Board|Numbers)/ }).map((b) => b.textContent?.replace(/ \(.*\)$/, ""))).toEqual(["Inbox", "Board", "Numbers"]);
    expect(asked()).toEqual(["currentProject"]);
    fireEvent.click(tab);
    expect(tab.getAttribute("aria-current")).toBe("true");
    expect((await screen.findByTestId("merge-rate")).textContent).toBe("75%");
    expect(asked()).toEqual(["currentProject", "projectMetrics"]);
  });
});
