import { useEffect, useState } from "react";
import type { SeenFile } from "./bindings";
import { explain } from "./errors";
import { backend } from "./ipc";

/**
 * "Seen in Downloads": patches and ZIPs that landed in the watched folder but are not named like
 * a pod's download (any web page can download `fix.diff`). They are never added by themselves;
 * one click adds one (the backend then reports it like any download).
 */
export function SeenInDownloads({ every = 3000 }: { every?: number }) {
  const [seen, setSeen] = useState<SeenFile[]>([]);
  const [note, setNote] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const look = () => Promise.resolve().then(() => backend.seenDownloads()).then((s) => live && setSeen(Array.isArray(s) ? s : []), () => live && setSeen([]));
    void look();
    const timer = setInterval(look, every);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [every]);
  if (seen.length === 0 && !note) return null;
  const add = async (name: string) => {
    setSeen((s) => s.filter((f) => f.name !== name));
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
        {seen.map((f) => (
          <li key={f.name} data-testid="seen-download">
            <span className="file">{f.name}</span>{" "}
            <button type="button" onClick={() => void add(f.name)}>
              Add to inbox
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
