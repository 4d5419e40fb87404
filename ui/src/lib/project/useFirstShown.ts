import { useEffect, useRef } from "react";
import { backend } from "../ipc";

/**
 * Tells the app, once, that the open project's screen (`tab`) is on show: after the frame
 * that draws it, so the app's log (and scripts/bench-app.sh) has the real start-up time.
 */
export function useFirstShown(shown: boolean, tab: string) {
  const told = useRef(false);
  useEffect(() => {
    if (!shown || told.current) return;
    told.current = true;
    // The frame callback runs just before the browser draws; the timer right after it.
    requestAnimationFrame(() => setTimeout(() => void backend.projectShown(tab).catch(() => undefined), 0));
  }, [shown, tab]);
}
