// The review's file tree: how each file's change is named, and files grouped by folder.
import type { ReviewFile } from "../ipc";

/** The one-letter mark of each kind of file change (as git shows it). */
export const STATUS_LETTER: Record<string, string> = { added: "A", modified: "M", deleted: "D", renamed: "R", copied: "C", mode: "X" };
/** Each kind of file change in words. */
export const STATUS_WORD: Record<string, string> = {
  added: "new file",
  modified: "changed",
  deleted: "removed",
  renamed: "moved",
  copied: "copied",
  mode: "permissions changed",
};

/** Files grouped by folder, for the file tree. */
export function byFolder(files: ReviewFile[]): [string, ReviewFile[]][] {
  const groups = new Map<string, ReviewFile[]>();
  for (const f of files) {
    const cut = f.path.lastIndexOf("/");
    const dir = cut < 0 ? "" : f.path.slice(0, cut);
    groups.set(dir, [...(groups.get(dir) ?? []), f]);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
}

/** The next amount of context around changes: 3 lines, then 25, then the whole file, then 3 again. */
export function nextContext(context: number): number {
  return context >= 1000 ? 3 : context === 3 ? 25 : 100000;
}

/** The button that changes the context, in words, for the current amount. */
export function contextWords(context: number): string {
  return context === 3 ? "More context" : context === 25 ? "Whole file" : "Less context";
}
