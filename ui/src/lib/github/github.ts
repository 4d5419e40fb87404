// Plain logic for the GitHub dialog (kept apart from React so it is easy to test).
import type { CloneProgress, RepoSummary } from "../ipc";

/** Repositories whose name or description contains every word of `query` (any case). */
export function filterRepositories(all: RepoSummary[], query: string): RepoSummary[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return all;
  return all.filter((r) => {
    const hay = `${r.full_name} ${r.description ?? ""}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** How far a download has got, in words and as a percentage (`null` until the size is known). */
export function cloneWords(p: CloneProgress | null): { text: string; percent: number | null } {
  if (!p || p.total === 0) return { text: "starting", percent: null };
  // Receiving is most of the work; writing the objects into place is the last part.
  const percent = Math.min(100, Math.round(((p.received + p.indexed) / (2 * p.total)) * 100));
  if (p.received < p.total) return { text: `${size(p.bytes)} received (${percent}%)`, percent };
  if (p.indexed < p.total) return { text: `setting up the files (${percent}%)`, percent };
  return { text: "done", percent: 100 };
}
