import { useState } from "react";
import { actionsFor, mergeBlocked, METHOD_WORDS, onlyMethod, type MergeMethod, type RequestView } from "../../lib/review/loop";
import type { RequestActions } from "../../lib/review/useRequestActions";

/**
 * The lead's buttons for a request: "Send back to the pod" (changes asked), "Merge" (asks for
 * the method only when several are allowed; disabled with the reason), "Withdraw" (asks why),
 * "Undo merge".
 */
export function LeadActions({ view, actions }: { view: RequestView; actions: RequestActions }) {
  const [asking, setAsking] = useState<"method" | "reason" | null>(null);
  const [method, setMethod] = useState<MergeMethod>(view.mergeMethods[0] ?? "merge");
  const [reason, setReason] = useState("");
  const can = actionsFor(view);
  const undo = actions.undo;
  const blocked = mergeBlocked(view);
  const { busy } = actions;
  const merge = () => {
    const only = onlyMethod(view);
    if (only) void actions.merge(only);
    else setAsking("method");
  };
  return (
    <div className="lead-actions" data-testid="lead-actions">
      <div className="form-actions">
        {can.sendBack && (
          <button type="button" onClick={() => void actions.sendBack()} disabled={busy !== null} data-testid="send-back">
            {busy === "send_back" ? "Sending back…" : "Send back to the pod"}
          </button>
        )}
        {can.withdraw && (
          <button type="button" className="quiet" onClick={() => setAsking("reason")} disabled={busy !== null} data-testid="withdraw">
            Withdraw…
          </button>
        )}
        {can.merge && (
          <button type="button" onClick={merge} disabled={busy !== null || blocked !== null} title={blocked ?? undefined} data-testid="merge">
            {busy === "merge" ? "Merging…" : "Merge"}
          </button>
        )}
        {can.undo && undo && (
          <button type="button" onClick={() => void undo()} disabled={busy !== null} data-testid="undo-merge">
            {busy === "undo" ? "Opening the undo…" : "Undo merge"}
          </button>
        )}
      </div>
      {can.merge && blocked && (
        <p className="muted" data-testid="merge-blocked">
          {blocked}
        </p>
      )}
      {asking === "method" && (
        <fieldset className="merge-method" data-testid="merge-method">
          <legend>How should the change go into the base branch?</legend>
          {view.mergeMethods.map((m) => (
            <label key={m} className="inline">
              <input type="radio" name="merge-method" value={m} checked={method === m} onChange={() => setMethod(m)} />
              {METHOD_WORDS[m]}
            </label>
          ))}
          <div className="form-actions">
            <button type="button" className="quiet" onClick={() => setAsking(null)}>
              Cancel
            </button>
            <button type="button" onClick={() => void actions.merge(method).then((ok) => ok && setAsking(null))} disabled={busy !== null} data-testid="merge-confirm">
              {busy === "merge" ? "Merging…" : "Merge"}
            </button>
          </div>
        </fieldset>
      )}
      {asking === "reason" && (
        <form
          className="withdraw-form"
          data-testid="withdraw-form"
          onSubmit={(e) => {
            e.preventDefault();
            void actions.withdraw(reason).then((ok) => ok && setAsking(null));
          }}
        >
          <label>
            Why withdraw review request #{view.number}? The reason is recorded with the task, and the item goes back to the inbox.
            <textarea value={reason} onChange={(e) => setReason(e.target.value)} rows={2} required data-testid="withdraw-reason" />
          </label>
          <div className="form-actions">
            <button type="button" className="quiet" onClick={() => setAsking(null)}>
              Cancel
            </button>
            <button type="submit" disabled={busy !== null || reason.trim() === ""} data-testid="withdraw-confirm">
              {busy === "withdraw" ? "Withdrawing…" : "Withdraw"}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
