import { backend, type PromoteOutcome } from "../../lib/ipc";
import { explain } from "../../lib/errors/errors";
import { STATE_WORD, STEPS } from "../../lib/review/promote";
import { usePromote } from "../../lib/review/usePromote";
import { sendLabel } from "../../lib/review/loop";
import { PromoteForm } from "./PromoteForm";

/**
 * "Send for review": one click with sensible defaults, live progress from the backend's
 * step events, the failed step in plain words with Retry, and the result with a link.
 */
export function PromoteDialog({
  name,
  target,
  onClose,
  onSent,
  handOff,
  confirmedRisks = [],
  updates = null,
}: {
  name: string;
  target: string;
  /** Risky paths the lead confirmed with "I understand" on the review screen. */
  confirmedRisks?: string[];
  onClose: () => void;
  onSent: (o: PromoteOutcome) => void;
  /** When the item belongs to a task on the board: offer to hand it on once it is sent. */
  handOff?: { label: string; start: () => void };
  /** The open request this item revises: sending adds one commit to it. */
  updates?: number | null;
}) {
  const { fields, set, running, states, error, setError, outcome, send } = usePromote(name, confirmedRisks, onSent);
  return (
    <div className="dialog-backdrop">
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="promote-title" data-testid="promote-dialog">
        <h2 id="promote-title">{sendLabel(updates)}</h2>
        {!outcome && <PromoteForm target={target} fields={fields} set={set} running={running} />}
        {(running || Object.keys(states).length > 0 || outcome) && (
          <ol className="steps" data-testid="promote-steps">
            {STEPS.map(({ step, label }) => {
              const s = states[step];
              return (
                <li key={step} className={`step step-${s?.state ?? "waiting"}`} data-step={step} data-state={s?.state ?? "waiting"}>
                  <span className="step-label">{label}</span>
                  <span className="step-state">{s ? STATE_WORD[s.state] : "Waiting"}</span>
                  {s?.state === "failed" && s.detail && <span className="step-detail">{s.detail}</span>}
                </li>
              );
            })}
          </ol>
        )}
        {error && (
          <div className="form-error" role="alert" data-testid="promote-error">
            <strong>{error.title}</strong> {error.next}
            {error.detail && <pre className="detail">{error.detail}</pre>}
          </div>
        )}
        {outcome && (
          <div className="notice" data-testid="promote-result">
            <strong>{outcome.updated ? `Review request #${outcome.pr_number} is updated.` : `Review request #${outcome.pr_number} is open.`}</strong>
            <p>
              Branch <code>{outcome.branch}</code> into <code>{outcome.base}</code>, commit <code>{outcome.commit.slice(0, 10)}</code>.
            </p>
          </div>
        )}
        <div className="form-actions">
          {outcome ? (
            <>
              {/^https?:/.test(outcome.pr_url) && (
                <button type="button" className="quiet" onClick={() => void backend.openGithubPage(outcome.pr_url).catch((e) => setError(explain(e)))} data-testid="promote-open-browser">
                  Open in the browser
                </button>
              )}
              {handOff && (
                <button type="button" className="quiet" onClick={handOff.start} data-testid="promote-hand-off">
                  {handOff.label}
                </button>
              )}
              <button type="button" onClick={onClose}>
                Done
              </button>
            </>
          ) : (
            <>
              <button type="button" className="quiet" onClick={onClose} disabled={running}>
                {error ? "Later" : "Cancel"}
              </button>
              <button type="button" onClick={() => void send()} disabled={running} data-testid="promote-send">
                {running ? "Sending…" : error ? "Retry" : sendLabel(updates)}
              </button>
            </>
          )}
        </div>
      </div>
    </div>
  );
}
