import type { InboxItem } from "./bindings";
import { plural, podLabel, statusLabel, whenReceived } from "./format";

/** What kind of download an item is, in words. */
export function kindLabel(item: InboxItem): string {
  switch (item.kind.type) {
    case "bundle":
      return "ZIP bundle";
    case "batch":
      return "File batch";
    case "diff":
      return item.kind.flavor === "chat" ? "Patch from chat" : item.kind.flavor === "mbox" ? "Patch series" : "Patch";
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
}: {
  items: InboxItem[];
  now?: Date;
  selected?: string | null;
  onSelect?: (name: string) => void;
}) {
  return (
    <section className="panel inbox" aria-labelledby="inbox-heading">
      <div className="panel-head">
        <h2 id="inbox-heading">Inbox</h2>
        <span className="count">{plural(items.length, "item")}</span>
      </div>
      {items.length === 0 ? (
        <div className="empty-state" data-testid="inbox-empty">
          <strong>Nothing to review yet</strong>
          When a pod hands you a patch, a ZIP bundle or its logs, drop the files on this window. They appear here,
          ready to review.
        </div>
      ) : (
        <ul className="inbox-list">
          {items.map((item) => (
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
              </div>
              <p className="summary">{item.summary ?? "No summary from the pod"}</p>
              <div className="meta">
                <span className="file" title="File name as the pod handed it over">
                  {item.file_name}
                </span>
                <span title={item.received_at}>Received {whenReceived(item.received_at, now)}</span>
                {item.logs.length > 0 && <span>{plural(item.logs.length, "log")} attached</span>}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
