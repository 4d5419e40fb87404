import { useCallback, useEffect, useState } from "react";
import { backend, type Overview } from "../ipc";
import { explain, type Explained } from "../errors/errors";

/** The open project as the window knows it: being read, read, or failed with a reason. */
export type Load = { state: "loading" } | { state: "ready"; overview: Overview } | { state: "failed"; error: Explained };

/**
 * The open project. `run(call)` shows what a call that opens a project gives back (or why it
 * failed); `refresh()` reads the current project again. The current project is read at start.
 */
export function useProject() {
  const [load, setLoad] = useState<Load>({ state: "loading" });
  const run = useCallback(async (call: () => Promise<Overview>) => {
    try {
      setLoad({ state: "ready", overview: await call() });
    } catch (e) {
      setLoad({ state: "failed", error: explain(e) });
    }
  }, []);
  const refresh = useCallback(() => run(backend.currentProject), [run]);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const opened = useCallback((overview: Overview) => setLoad({ state: "ready", overview }), []);
  return { load, overview: load.state === "ready" ? load.overview : null, run, refresh, opened };
}
