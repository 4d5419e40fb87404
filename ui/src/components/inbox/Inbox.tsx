import { useState } from "react";
import type { InboxItem, ItemCheck } from "../../lib/ipc";
import { plural, podLabel, statusLabel, whenReceived } from "../../lib/format/format";
import { FLAVOR_WORDS, ORDER_WORDS, searchItems, sortItems, type InboxOrder } from "../../lib/inbox/inbox";
import { revisionWords, type Revision } from "../../lib/review/revisions";
import { CheckRow } from "./CheckRow";
import { SeenInDownloads } from "./SeenInDownloads";

/** What kind of download an item is, in words. */
export function kindLabel(item: InboxItem): string {
  switch (item.kind.type) {
    case "bundle":
      return "ZIP bundle";
    case "batch":
      return "File batch";
    case "diff":
      return FLAVOR_WORDS[item.kind.flavor] ?? "Patch";
    default:
      return "File";
  }
}

/** The inbox: pod downloads waiting for the lead. */
export function Inbox({
  items,
  now,
  selected,
  onSelect,
  checks,
  checking = false,
  onPaste,
  revisions,
}: {
  items: InboxItem[];
  now?: Date;
  selected?: string | null;
  onSelect?: (name: string) => void;
  /** How each waiting item applies, by item name (filled in after the list shows). */
  checks?: Record<string, ItemCheck>;
  /** A round of checks is under way: an unchecked waiting item shows "Checking…" in its badge's place. */
  checking?: boolean;
  /** Opens "Paste from chat". */
  onPaste?: () => void;
  /** The items that revise an open review request, by name. */
  revisions?: Map<string, Revision>;
}) {
  const [query, setQuery] = useState("");
  const [order, setOrder] = useState<InboxOrder>("newest");
  const shown = sortItems(searchItems(items, query), order);
  return (
    <section className="panel inbox" aria-labelledby="inbox-heading">
      <div className="panel-head">
        <h2 id="inbox-heading">Inbox</h2>
        <span className="count">{shown.length === items.length ? plural(items.length, "item") : `${shown.length} of ${plural(items.length, "item")}`}</span>
        {onPaste && (
          <button type="button" className="quiet small" onClick={onPaste} title="Add a pod's answer copied from the chat (or press Ctrl+V)" data-testid="paste-open">
            Paste from chat
          </button>
        )}
      </div>
      {items.length > 1 && (
        <div className="inbox-tools">
          <input
            type="search"
            placeholder="Search task, pod, summary"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => e.key === "Escape" && setQuery("")}
            aria-label="Search the inbox"
            data-testid="inbox-search"
          />
          <select value={order} onChange={(e) => setOrder(e.target.value as InboxOrder)} aria-label="Order" data-testid="inbox-order">
            {(Object.keys(ORDER_WORDS) as InboxOrder[]).map((o) => (
              <option key={o} value={o}>
                {ORDER_WORDS[o]}
              </option>
            ))}
          </select>
        </div>
      )}
      {items.length > 0 && shown.length === 0 && (
        <p className="muted inbox-nomatch" data-testid="inbox-nomatch">
          Nothing matches “{query}”.{" "}
          <button type="button" className="link" onClick={() => setQuery("")}>
            Show everything
          </button>
        </p>
      )}
      {items.length === 0 ? (
        <div className="empty-state" data-testid="inbox-empty">
          <strong>Nothing to review yet</strong>
          When a pod hands you a patch, a ZIP bundle or its logs, drop the files on this window. They appear here,
          ready to review.
        </div>
      ) : (
        <ul className="inbox-list">
          {shown.map((item) => {
            const rev = revisions?.get(item.name);
            return (
            <li
              key={item.name}
              className={item.name === selected ? "inbox-item selected" : "inbox-item"}
              data-testid="inbox-item"
              data-task={item.task_id ?? ""}
              data-name={item.name}
              tabIndex={0}
              role="button"
              aria-pressed={item.name === selected}
              onClick={() => onSelect?.(item.name)}
              onKeyDown={(e) => {
                if (e.key === "Enter" || e.key === " ") {
                  e.preventDefault();
                  onSelect?.(item.name);
                }
              }}
            >
              <div className="row">
                {item.task_id && <span className="pill">{item.task_id}</span>}
                <span>{podLabel(item.pod)}</span>
                <span className={`status status-${item.status}`}>{statusLabel(item.status)}</span>
                <span className="kind">{kindLabel(item)}</span>
                {rev && <span className="revision-of" data-testid="revision-of">{revisionWords(rev)}</span>}
              </div>
              <p className="summary">{item.summary ?? "No summary from the pod"}</p>
              <CheckRow item={item} check={checks?.[item.name]} checking={checking} />
              <div className="meta">
                <span className="file" title="File name as the pod handed it over">
                  {item.file_name}
                </span>
                <span title={item.received_at}>Received {whenReceived(item.received_at, now)}</span>
                {item.logs.length > 0 && <span>{plural(item.logs.length, "log")} attached</span>}
              </div>
            </li>
            );
          })}
        </ul>
      )}
      <SeenInDownloads />
    </section>
  );
}
