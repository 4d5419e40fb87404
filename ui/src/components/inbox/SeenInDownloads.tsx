import { useSeenDownloads } from "../../lib/inbox/seenDownloads";

/**
 * "Seen in Downloads": patches and ZIPs that landed in the watched folder but are not named like
 * a pod's download (any web page can download `fix.diff`). They are never added by themselves;
 * one click adds one (the backend then reports it like any download).
 */
export function SeenInDownloads() {
  const { seen, note, add } = useSeenDownloads();
  if (seen.length === 0 && !note) return null;
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
