import { useEffect, useState } from "react";
import { backend, onEvent, type PromoteOutcome, type PromotePreview, type SendChoices, type Step, type StepState } from "../../lib/ipc";
import { explain, type Explained } from "../../lib/errors/errors";
import { Markdown } from "../shared/Markdown";

const STEPS: { step: Step; label: string }[] = [
  { step: "prepare", label: "Get the latest version of the project" },
  { step: "commit", label: "Make one commit with the change and its logs" },
  { step: "push", label: "Send the branch" },
  { step: "open_review", label: "Open the review request" },
  { step: "finish", label: "Add labels and reviewers" },
];

/** A comma- or space-separated list as typed, without blanks or repeats. */
export function splitList(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(/[,\n]/)) {
    const v = part.trim();
    if (v && !out.includes(v)) out.push(v);
  }
  return out;
}

/** What to send: only what differs from the defaults is sent, so settings stay in charge otherwise. */
export function sendChoices(
  f: { base: string; draft: boolean; title: string; body: string; labels: string; reviewers: string; branch?: string },
  defaults: PromotePreview | null,
  confirmedRisks: string[] = [],
): SendChoices {
  const labels = splitList(f.labels);
  const reviewers = splitList(f.reviewers.replace(/@/g, ""));
  const same = (a: string[], b: string[] | undefined) => b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
  return {
    base: f.base.trim() || null,
    draft: f.draft,
    branch: f.branch?.trim() && f.branch.trim() !== defaults?.branch ? f.branch.trim() : null,
    title: f.title.trim() && f.title.trim() !== defaults?.title ? f.title.trim() : null,
    body: f.body.trim() ? f.body : null,
    labels: same(labels, defaults?.labels) ? null : labels,
    reviewers: same(reviewers, defaults?.reviewers) ? null : reviewers,
    confirmed_risks: confirmedRisks,
  };
}

const STATE_WORD: Record<StepState, string> = { started: "Working…", done: "Done", skipped: "Already done", failed: "Failed" };

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
}: {
  name: string;
  target: string;
  /** Risky paths the lead confirmed with "I understand" on the review screen. */
  confirmedRisks?: string[];
  onClose: () => void;
  onSent: (o: PromoteOutcome) => void;
  /** When the item belongs to a task on the board: offer to hand it on once it is sent. */
  handOff?: { label: string; start: () => void };
}) {
  const [base, setBase] = useState("");
  const [draft, setDraft] = useState(false);
  const [running, setRunning] = useState(false);
  const [states, setStates] = useState<Partial<Record<Step, { state: StepState; detail: string }>>>({});
  const [error, setError] = useState<Explained | null>(null);
  const [outcome, setOutcome] = useState<PromoteOutcome | null>(null);
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const [labels, setLabels] = useState("");
  const [reviewers, setReviewers] = useState("");
  const [branch, setBranch] = useState("");
  const [previewBody, setPreviewBody] = useState(false);
  const [defaults, setDefaults] = useState<PromotePreview | null>(null);

  // The defaults the lead may change: title, labels, reviewers, draft.
  useEffect(() => {
    let cancelled = false;
    backend.promotePreview(name).then(
      (p) => {
        if (cancelled) return;
        setDefaults(p);
        setTitle(p.title);
        setLabels(p.labels.join(", "));
        setReviewers(p.reviewers.join(", "));
        setBranch(p.branch);
        setDraft(p.draft);
        if (p.base) setBase(p.base);
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [name]);

  useEffect(
    () =>
      onEvent("promoteProgress", (p) => {
        if (p.item !== name) return;
        const { step, state, detail } = p.event;
        setStates((s) => ({ ...s, [step]: { state, detail } }));
      }),
    [name],
  );

  const send = async () => {
    setRunning(true);
    setError(null);
    setStates({});
    try {
      const o = await backend.sendForReview(name, sendChoices({ base, draft, title, body, labels, reviewers, branch }, defaults, confirmedRisks));
      setOutcome(o);
      onSent(o);
    } catch (e) {
      setError(explain(e));
    } finally {
      setRunning(false);
    }
  };

  return (
    <div className="dialog-backdrop">
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="promote-title" data-testid="promote-dialog">
        <h2 id="promote-title">Send for review</h2>
        {!outcome && (
          <>
            <p className="muted">
              Patchdesk makes a branch with this change and the pod's logs, sends it to {target}, and opens a review request.
              Nothing in your own folder changes.
            </p>
            <div className="form-row">
              <label>
                Into branch (empty: the main branch)
                <input type="text" value={base} onChange={(e) => setBase(e.target.value)} placeholder="main" disabled={running} />
              </label>
              <label>
                New branch for the change
                <input type="text" value={branch} onChange={(e) => setBranch(e.target.value)} disabled={running} data-testid="promote-branch" />
              </label>
            </div>
            <label>
              Title
              <input type="text" value={title} onChange={(e) => setTitle(e.target.value)} disabled={running} data-testid="promote-title" />
            </label>
            <label>
              <span className="label-row">
                Description
                {body.trim() && (
                  <button type="button" className="link" onClick={() => setPreviewBody((v) => !v)} data-testid="promote-body-preview-toggle">
                    {previewBody ? "Edit" : "Preview"}
                  </button>
                )}
              </span>
              {previewBody && body.trim() ? (
                <div className="body-preview" data-testid="promote-body-preview">
                  <Markdown text={body} />
                </div>
              ) : (
              <textarea
                rows={3}
                value={body}
                onChange={(e) => setBody(e.target.value)}
                disabled={running}
                placeholder="Leave empty: Patchdesk writes it from the pod's changelog, reasoning, files and prompt."
                data-testid="promote-body"
              />
              )}
            </label>
            <div className="form-row">
              <label>
                Labels (comma between)
                <input type="text" value={labels} onChange={(e) => setLabels(e.target.value)} disabled={running} data-testid="promote-labels" />
              </label>
              <label>
                Reviewers (GitHub names)
                <input type="text" value={reviewers} onChange={(e) => setReviewers(e.target.value)} placeholder="none" disabled={running} data-testid="promote-reviewers" />
              </label>
            </div>
            <label className="inline">
              <input type="checkbox" checked={draft} onChange={(e) => setDraft(e.target.checked)} disabled={running} /> Mark as a draft (not
              ready to merge yet)
            </label>
          </>
        )}
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
            <strong>Review request #{outcome.pr_number} is open.</strong>
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
                {running ? "Sending…" : error ? "Retry" : "Send for review"}
              </button>
            </>
          )}
        </div>
      </div>
    </div>
  );
}
