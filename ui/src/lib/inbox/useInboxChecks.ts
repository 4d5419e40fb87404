import { useEffect, useState } from "react";
import { backend, type ItemCheck, type Overview } from "../ipc";

/**
 * How each waiting item applies (by item name), checked in the background after the list
 * shows; `checking` while a round of checks is under way (the list keeps each badge's place
 * meanwhile, so nothing moves under the pointer when the answers come).
 */
export function useInboxChecks(overview: Overview | null): { checks: Record<string, ItemCheck>; checking: boolean } {
  const [checks, setChecks] = useState<Record<string, ItemCheck>>({});
  const [checking, setChecking] = useState(false);
  useEffect(() => {
    if (!overview) return;
    let cancelled = false;
    setChecking(true);
    backend.inboxChecks().then(
      (list) => {
        if (cancelled) return;
        setChecks(Object.fromEntries(list.map((c) => [c.name, c])));
        setChecking(false);
      },
      () => !cancelled && setChecking(false),
    );
    return () => {
      cancelled = true;
    };
  }, [overview]);
  return { checks, checking };
}
