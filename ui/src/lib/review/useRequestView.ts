import { useCallback, useEffect, useState } from "react";
import type { RequestView } from "./loop";
import type { LoopCalls } from "./useRequestActions";

/**
 * Task `task`'s request as it is now (asked when the dialog opens and after each action), else
 * as the card last saw it.
 */
export function useRequestView(task: string, seen: RequestView, calls: LoopCalls) {
  const [now, setNow] = useState<RequestView | null>(null);
  const reload = useCallback(() => {
    calls.details(task).then(setNow, () => undefined);
  }, [task, calls]);
  useEffect(reload, [reload]);
  return { view: now ?? seen, reload };
}
