import { useEffect, useState } from "react";
import { backend, onEvent, type PromoteOutcome, type PromotePreview, type Step, type StepState } from "../ipc";
import { explain, type Explained } from "../errors/errors";
import { sendChoices } from "./promote";

/** What the lead may change before sending, as typed. */
export type PromoteFields = { base: string; draft: boolean; title: string; body: string; labels: string; reviewers: string; branch: string };

/**
 * Sending item `name` for review: the fields (filled with the backend's defaults once they come),
 * each step's progress from the backend's events, the refusal or the outcome. `send()` sends
 * only what differs from the defaults, with the risky paths the lead confirmed.
 */
export function usePromote(name: string, confirmedRisks: string[], onSent: (o: PromoteOutcome) => void) {
  const [fields, setFields] = useState<PromoteFields>({ base: "", draft: false, title: "", body: "", labels: "", reviewers: "", branch: "" });
  const [defaults, setDefaults] = useState<PromotePreview | null>(null);
  const [running, setRunning] = useState(false);
  const [states, setStates] = useState<Partial<Record<Step, { state: StepState; detail: string }>>>({});
  const [error, setError] = useState<Explained | null>(null);
  const [outcome, setOutcome] = useState<PromoteOutcome | null>(null);

  // The defaults the lead may change: title, labels, reviewers, draft.
  useEffect(() => {
    let cancelled = false;
    backend.promotePreview(name).then(
      (p) => {
        if (cancelled) return;
        setDefaults(p);
        setFields((f) => ({ ...f, title: p.title, labels: p.labels.join(", "), reviewers: p.reviewers.join(", "), branch: p.branch, draft: p.draft, base: p.base || f.base }));
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
      const o = await backend.sendForReview(name, sendChoices(fields, defaults, confirmedRisks));
      setOutcome(o);
      onSent(o);
    } catch (e) {
      setError(explain(e));
    } finally {
      setRunning(false);
    }
  };
  const set = <K extends keyof PromoteFields>(key: K, value: PromoteFields[K]) => setFields((f) => ({ ...f, [key]: value }));
  return { fields, set, running, states, error, setError, outcome, send };
}
