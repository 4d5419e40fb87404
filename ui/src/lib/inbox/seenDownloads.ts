// "Seen in Downloads": files in the watched folder not named like a pod's download.
import { useEffect, useState } from "react";
import { backend, listenTo } from "../ipc";
import { explain } from "../errors/errors";

// The names last told by the backend: a `downloadsArrived` event without a report and without
// an error carries the whole "Seen in Downloads" list. Kept here so the list survives the inbox
// being shown again; nothing is asked of the backend at start.
let seenNow: string[] = [];
const shown = new Set<(names: string[]) => void>();
let listening = false;

function listen() {
  if (listening) return;
  listening = true;
  listenTo("downloadsArrived", ({ report, error, files }) => {
    if (report || error) return;
    seenNow = files;
    shown.forEach((show) => show(seenNow));
  }).catch(() => {
      listening = false;
    });
}

/** The files seen (as last told by the backend), the note about the last one added, and `add(name)`. */
export function useSeenDownloads() {
  const [seen, setSeen] = useState<string[]>(seenNow);
  const [note, setNote] = useState<string | null>(null);
  useEffect(() => {
    shown.add(setSeen);
    listen();
    return () => {
      shown.delete(setSeen);
    };
  }, []);
  const add = async (name: string) => {
    setSeen((s) => s.filter((f) => f !== name));
    try {
      const report = await backend.addSeenDownload(name);
      setNote(report.refused[0] ? report.refused[0].error.message : null);
    } catch (e) {
      const x = explain(e);
      setNote(`${x.title} ${x.detail}`);
    }
  };
  return { seen, note, add };
}
