import { useCallback, useRef, useState } from "react";

/** A short message at the bottom of the window. */
export type Toast = { id: number; text: string };

/** The toasts on show, and `toast(text)` to show one for six seconds. */
export function useToasts(): { toasts: Toast[]; toast: (text: string) => void } {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextToast = useRef(0);
  const toast = useCallback((text: string) => {
    const id = nextToast.current++;
    setToasts((t) => [...t, { id, text }]);
    setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), 6000);
  }, []);
  return { toasts, toast };
}
