import { useEffect, useState } from "react";
import { explain } from "../../lib/errors/errors";
import { backend, listenTo } from "../../lib/ipc";

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

/**
 * "Seen in Downloads": patches and ZIPs that landed in the watched folder but are not named like
 * a pod's download (any web page can download `fix.diff`). They are never added by themselves;
 * one click adds one (the backend then reports it like any download).
 */
export function SeenInDownloads() {
  const [seen, setSeen] = useState<string[]>(seenNow);
  const [note, setNote] = useState<string | null>(null);
  useEffect(() => {
    shown.add(setSeen);
    listen();
    return () => {
      shown.delete(setSeen);
    };
  }, []);
  if (seen.length === 0 && !note) return null;
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
  return (
    <div className="seen-downloads" data-testid="seen-downloads">
      <h3>Seen in Downloads</h3>
      <p className="muted">Not named like a pod's download, so not added by themselves.</p>
      {note && <p className="muted">{note}</p>}
      <ul>
        {seen.map((name) => (
          <li key={name} data-testid="seen-download">
            <span className="file">{name}</span>{" "}
            <button type="button" onClick={() => void add(name)}>
              Add to inbox
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
