import { useEffect, useState } from "react";
import { backend, type Metrics } from "../ipc";
import { explain, type Explained } from "../errors/errors";

/** The project's numbers: being counted, counted, or failed with a reason. */
export type MetricsLoad = { state: "loading" } | { state: "ready"; metrics: Metrics } | { state: "failed"; error: Explained };

/** The project's numbers, asked for at start and again on `retry()`. */
export function useMetrics(): { load: MetricsLoad; retry: () => void } {
  const [load, setLoad] = useState<MetricsLoad>({ state: "loading" });
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
  return { load, retry: () => setAttempt((n) => n + 1) };
}
