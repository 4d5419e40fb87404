import { useEffect, useRef, useState } from "react";
import type { Task } from "../ipc";

/** A card being dragged: where the pointer is, which pod column it is over, and whether it moved far enough to count. */
export type Drag = { task: Task; x: number; y: number; over: string | null; started: boolean; startX: number; startY: number };

/** The column (pod key) under a screen point, if any. */
function podAt(x: number, y: number): string | null {
  const el = document.elementFromPoint(x, y);
  const col = el?.closest<HTMLElement>("[data-testid='board-column']");
  return col?.dataset.pod || null;
}

/**
 * Dragging a card to another pod's column. `startDrag(task)` is the card's pointer-down
 * handler (only when `enabled`: columns are pods; not from the card's buttons); a drop on another
 * pod calls `dropped(task, pod)`. A move of 6 pixels or less is a click, not a drag.
 */
export function useBoardDrag(enabled: boolean, dropped: (task: Task, to: string) => void) {
  const [drag, setDrag] = useState<Drag | null>(null);
  const dragRef = useRef<Drag | null>(null);
  dragRef.current = drag;
  const droppedRef = useRef(dropped);
  droppedRef.current = dropped;

  useEffect(() => {
    if (!drag) return;
    const move = (e: PointerEvent) => {
      const d = dragRef.current;
      if (!d) return;
      const started = d.started || Math.hypot(e.clientX - d.startX, e.clientY - d.startY) > 6;
      setDrag({ ...d, x: e.clientX, y: e.clientY, started, over: started ? podAt(e.clientX, e.clientY) : null });
    };
    const up = (e: PointerEvent) => {
      const d = dragRef.current;
      setDrag(null);
      if (!d?.started) return;
      const to = podAt(e.clientX, e.clientY);
      if (to && to !== d.task.pod) droppedRef.current(d.task, to);
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
    return () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
    };
  }, [drag !== null]); // eslint-disable-line react-hooks/exhaustive-deps

  const startDrag = (task: Task) => (e: React.PointerEvent) => {
    if (!enabled || e.button !== 0 || (e.target as HTMLElement).closest("button")) return;
    setDrag({ task, x: e.clientX, y: e.clientY, startX: e.clientX, startY: e.clientY, over: null, started: false });
  };
  return { drag, startDrag, cancelDrag: () => setDrag(null) };
}
