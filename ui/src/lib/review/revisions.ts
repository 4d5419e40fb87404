// Which inbox items are the pod's next revision of a request that is still open.
import { useEffect, useState } from "react";
import { backend, type InboxItem, type KnownReview, type Overview } from "../ipc";

/** An item that revises open request `number`: it is the request's `revision`th version. */
export type Revision = { number: number; revision: number };

/** An item that revises an open request: "Revision 2 of #3". */
export function revisionWords(r: Revision): string {
  return `Revision ${r.revision} of #${r.number}`;
}

/**
 * The items (by name) whose task has an open review request that was sent from another item:
 * sending them updates that request. The revision counts the request's earlier versions
 * (the backend's count; a request it has no count for is on its first version).
 */
export function revisionsOf(items: InboxItem[], reviews: KnownReview[]): Map<string, Revision> {
  const out = new Map<string, Revision>();
  for (const item of items) {
    if (!item.task_id || item.status === "promoted" || item.status === "rejected") continue;
    const open = reviews.filter((r) => r.task_id === item.task_id && r.state === "open" && r.item !== item.name);
    const newest = open.sort((a, b) => b.number - a.number)[0];
    if (newest) out.set(item.name, { number: newest.number, revision: (newest.revisions ?? 1) + 1 });
  }
  return out;
}

/** The inbox's revisions, read again whenever the project changes. */
export function useRevisions(overview: Overview): Map<string, Revision> {
  const [revisions, setRevisions] = useState<Map<string, Revision>>(new Map());
  useEffect(() => {
    let gone = false;
    backend.knownReviews().then(
      (r) => !gone && setRevisions(revisionsOf(overview.inbox, r)),
      () => !gone && setRevisions(new Map()),
    );
    return () => {
      gone = true;
    };
  }, [overview]);
  return revisions;
}
