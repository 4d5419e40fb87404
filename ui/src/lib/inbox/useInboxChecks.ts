import { useEffect, useState } from "react";
import { backend, type ItemCheck, type Overview } from "../ipc";

/** How each waiting item applies (by item name), checked in the background after the list shows. */
export function useInboxChecks(overview: Overview | null): Record<string, ItemCheck> {
  const [checks, setChecks] = useState<Record<string, ItemCheck>>({});
  useEffect(() => {
    if (!overview) return;
    let cancelled = false;
    backend.inboxChecks().then(
      (list) => !cancelled && setChecks(Object.fromEntries(list.map((c) => [c.name, c]))),
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [overview]);
  return checks;
}
