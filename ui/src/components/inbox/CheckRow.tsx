import type { InboxItem, ItemCheck } from "../../lib/ipc";
import { checkBadge, plural } from "../../lib/format/format";

/** The statuses whose items are checked against the project (the others have no badge). */
const WAITING = new Set<InboxItem["status"]>(["queued", "reviewed"]);

/**
 * An inbox item's badge: how it applies, with its file and line counts. While a round of checks
 * is under way, an unchecked waiting item shows "Checking…" in the badge's place, so the list
 * does not move under the pointer when the answer comes.
 */
export function CheckRow({ item, check, checking }: { item: InboxItem; check?: ItemCheck; checking: boolean }) {
  if (!check) {
    return checking && WAITING.has(item.status) ? (
      <div className="check-row" data-testid="item-checking">
        <span className="outcome small checking">Checking…</span>
      </div>
    ) : null;
  }
  const badge = checkBadge(check);
  return (
    <div className="check-row">
      <span className={`outcome small tone-${badge.tone}`} data-testid="item-check" title={check.problem ?? badge.text}>
        {badge.text.length > 60 ? `${badge.text.slice(0, 57)}…` : badge.text}
      </span>
      {check.files > 0 && (
        <span className="counts">
          {plural(check.files, "file")} <span className="plus">+{check.added}</span> <span className="minus">−{check.removed}</span>
        </span>
      )}
    </div>
  );
}
