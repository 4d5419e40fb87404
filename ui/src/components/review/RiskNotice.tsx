import type { RiskyPath } from "../../lib/ipc";

/**
 * Paths a change touches that need the lead's explicit OK before it is sent: automation that
 * runs with the repository's secrets, submodules, hooks, links, Patchdesk's own folders, names
 * differing only in case. Sending waits until "I understand" is ticked; the paths ticked for go
 * with the send, and the backend checks them again.
 */
export function RiskNotice({
  risks,
  understood,
  onUnderstood,
  disabled,
}: {
  risks: RiskyPath[];
  understood: boolean;
  onUnderstood: (yes: boolean) => void;
  disabled?: boolean;
}) {
  if (risks.length === 0) return null;
  return (
    <div className="notice risk-notice" role="alert" data-testid="risks">
      <strong>Look at {risks.length === 1 ? "this file" : `these ${risks.length} files`} before sending. This change:</strong>
      <ul>
        {risks.map((r) => (
          <li key={r.path} data-testid="risk">
            {r.message}
          </li>
        ))}
      </ul>
      <label className="check">
        <input
          type="checkbox"
          checked={understood}
          disabled={disabled}
          onChange={(e) => onUnderstood(e.target.checked)}
          data-testid="understand-risks"
        />{" "}
        I understand what {risks.length === 1 ? "this change does" : "these changes do"} and want to send {risks.length === 1 ? "it" : "them"}
      </label>
    </div>
  );
}

/** The paths confirmed for sending: all of them once "I understand" is ticked, else none. */
export function confirmedRisks(risks: RiskyPath[], understood: boolean): string[] {
  return understood ? risks.map((r) => r.path) : [];
}
