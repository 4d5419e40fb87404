import { useEffect, useState } from "react";
import { backend, type KnownReview } from "../ipc";
import { viewOf, type RequestView } from "./loop";
import { viewOfTask } from "./loopCalls";

/**
 * Each card's request as the card shows it: as last known, and for an open request what its
 * reviewers said and its checks (asked again whenever the known requests change).
 */
export function useRequestViews(reviews: Map<string, KnownReview>): Map<string, RequestView> {
  const [views, setViews] = useState<Map<string, RequestView>>(new Map());
  useEffect(() => {
    let gone = false;
    const known = new Map([...reviews].map(([task, r]) => [task, viewOf(r)]));
    setViews(known);
    const open = [...reviews].filter(([, r]) => r.state === "open");
    void Promise.all(open.map(([task]) => backend.taskReview(task).then(viewOfTask, () => null))).then((now) => {
      if (gone) return;
      open.forEach(([task], i) => {
        const v = now[i];
        if (v) known.set(task, v);
      });
      setViews(new Map(known));
    });
    return () => {
      gone = true;
    };
  }, [reviews]);
  return views;
}
