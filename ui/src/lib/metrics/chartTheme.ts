// How the Numbers screen's charts look: colours from the stylesheet (light and dark), axes, tooltips.
import { useEffect, useState } from "react";

/** Colours the charts draw with, read from the stylesheet so they follow light and dark mode. */
export type ChartTheme = { ink: string; muted: string; line: string; panel: string; series: string[]; repaired: string; rejected: string };

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
export function useChartTheme(): ChartTheme {
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

/** The axes' look. */
export function axisProps(theme: ChartTheme) {
  return { stroke: theme.line, tick: { fill: theme.muted, fontSize: 12 }, tickLine: false } as const;
}

export function tooltipProps(theme: ChartTheme) {
  return {
    contentStyle: { background: theme.panel, border: `1px solid ${theme.line}`, borderRadius: 6, color: theme.ink, fontSize: 13 },
    labelStyle: { color: theme.ink, fontWeight: 600 },
    itemStyle: { color: theme.ink },
    cursor: { fill: theme.line, opacity: 0.4 },
  };
}
