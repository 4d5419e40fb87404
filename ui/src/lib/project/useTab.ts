// The window's tab, remembered between launches in Patchdesk's settings file (by the backend).
import { useCallback, useEffect, useRef, useState } from "react";
import { backend } from "../ipc";

/** The screens the top bar switches between. */
export type Tab = "inbox" | "board" | "numbers";

function isTab(t: string | null): t is Tab {
  return t === "inbox" || t === "board" || t === "numbers";
}

/**
 * The tab shown, like `useState`: it starts on the one remembered from the last launch (the
 * inbox until the backend answers, or when none is), and every tab shown is remembered.
 */
export function useTab(): [Tab, (t: Tab) => void] {
  const [tab, show] = useState<Tab>("inbox");
  // True once the remembered tab was read, or the lead chose one before the answer came.
  const known = useRef(false);
  useEffect(() => {
    backend
      .windowTab()
      .then((t) => {
        if (!known.current && isTab(t)) show(t);
      }, () => undefined)
      .finally(() => {
        known.current = true;
      });
  }, []);
  const setTab = useCallback((t: Tab) => {
    known.current = true;
    show(t);
  }, []);
  useEffect(() => {
    if (known.current) backend.rememberTab(tab).catch(() => undefined);
  }, [tab]);
  return [tab, setTab];
}
