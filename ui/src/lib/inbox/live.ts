// The inbox as it changes outside the window: the pod API (`patchdesk serve`), `patchdesk
// watch`, the CLI or the Action may add items while the window is open. The backend looks at
// the open project's inbox every two seconds and says `inboxChanged` only when it changed.
import { useEffect, useRef } from "react";
import { backend, onEvent, type InboxItem, type Overview } from "../ipc";
import { plural, podLabel } from "../format/format";

/**
 * One polite sentence about the items that `arrived` and the window did not show yet (`shown`
 * names), or null when there is nothing new to tell (a status changed, or the window added
 * the item itself and already said so).
 */
export function arrivalWords(inbox: InboxItem[], arrived: string[], shown: ReadonlySet<string>): string | null {
  const fresh = inbox.filter((i) => arrived.includes(i.name) && !shown.has(i.name));
  if (fresh.length === 0) return null;
  if (fresh.length > 1) return `${plural(fresh.length, "new item")} in the inbox.`;
  const [item] = fresh;
  const who = item.pod ? podLabel(item.pod) : "A pod";
  const what = item.task_id ? `${item.task_id}` : item.file_name;
  return `${who} sent ${what}${item.summary ? ` (“${item.summary}”)` : ""}: it is in the inbox.`;
}

/**
 * Reads the project again when the backend says its inbox changed, keeping what the lead has
 * open (the selection and its review live outside the overview), and tells newly arrived
 * items in a toast. `opened` shows the overview read.
 */
export function useInboxLive(overview: Overview | null, opened: (o: Overview) => void, toast: (text: string) => void) {
  const shown = useRef<ReadonlySet<string>>(new Set());
  useEffect(() => {
    shown.current = new Set(overview?.inbox.map((i) => i.name) ?? []);
  }, [overview]);
  useEffect(
    () =>
      onEvent("inboxChanged", async ({ arrived }) => {
        let fresh: Overview;
        try {
          fresh = await backend.currentProject();
        } catch {
          return; // the next change tries again; what is shown stays
        }
        const before = shown.current;
        opened(fresh);
        const words = arrivalWords(fresh.inbox, arrived, before);
        if (words) toast(words);
      }),
    [opened, toast],
  );
}
