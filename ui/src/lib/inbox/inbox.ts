// What the inbox list shows: which items match the search, in which order.
import type { DiffFlavor, InboxItem } from "../ipc";
import { podLabel } from "../format/format";

export type InboxOrder = "newest" | "oldest" | "task" | "pod";

export const ORDER_WORDS: Record<InboxOrder, string> = {
  newest: "Newest first",
  oldest: "Oldest first",
  task: "By task",
  pod: "By pod",
};

/** Items whose task, pod, summary or file name contain every word of `query` (any case). */
export function searchItems(items: InboxItem[], query: string): InboxItem[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return items;
  return items.filter((i) => {
    const hay = [i.task_id, i.pod, podLabel(i.pod), i.summary, i.file_name].filter(Boolean).join(" ").toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

const byText = (a: string | null, b: string | null) => (a ?? "\uffff").localeCompare(b ?? "\uffff", "en", { numeric: true });

/** The items in `order` (a copy; ties keep the newest first). */
export function sortItems(items: InboxItem[], order: InboxOrder): InboxItem[] {
  const newest = [...items].sort((a, b) => b.received_at.localeCompare(a.received_at));
  switch (order) {
    case "newest":
      return newest;
    case "oldest":
      return newest.reverse();
    case "task":
      return newest.sort((a, b) => byText(a.task_id, b.task_id));
    case "pod":
      return newest.sort((a, b) => byText(a.pod, b.pod));
  }
}

/** What a text item is, in words: the shape a chat handed it out in. */
export const FLAVOR_WORDS: Record<DiffFlavor, string> = {
  git: "Patch",
  unified: "Patch",
  chat: "Patch from chat",
  mbox: "Patch series",
  open_ai_patch: "OpenAI patch",
  edit_blocks: "Edit blocks",
  whole_files: "Whole files",
};
