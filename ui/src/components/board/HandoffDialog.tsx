import { useState } from "react";
import { backend, type HandoffSent, type Pod, type Task } from "../../lib/ipc";
import { explain, type Explained } from "../../lib/errors/errors";
import { podLabel } from "../../lib/format/format";

/** The handoff dialog: to which pod, why; on success the handoff (its prompt) and the board's send. */
export function HandoffDialog({
  task,
  to,
  pods,
  onCancel,
  onDone,
  relatedPatch,
}: {
  task: Task;
  to: string | null;
  pods: Pod[];
  onCancel: () => void;
  onDone: (done: HandoffSent, toName: string) => void;
  /** The patch this handoff follows from (recorded in the handoff log). */
  relatedPatch?: string | null;
}) {
  const choices = pods.filter((p) => p.key !== task.pod);
  const [target, setTarget] = useState(to ?? choices[0]?.key ?? "");
  const [reason, setReason] = useState("");
  const [files, setFiles] = useState(task.inputs.join("\n"));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Explained | null>(null);
  const toName = pods.find((p) => p.key === target)?.name ?? target;
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const list = files.split(/[\n,]/).map((f) => f.trim()).filter(Boolean);
      const r = await backend.handOffTask(task.id, target, reason, list, relatedPatch ?? null);
      onDone(r, toName);
    } catch (e) {
      setError(explain(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="dialog-backdrop">
      <form
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="handoff-title"
        data-testid="handoff-dialog"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
        onKeyDown={(e) => e.key === "Escape" && onCancel()}
      >
        <h2 id="handoff-title">
          Hand {task.id} from the {podLabel(task.pod)} to…
        </h2>
        <p className="muted">{task.title}</p>
        <label>
          Pod
          <select value={target} onChange={(e) => setTarget(e.target.value)} data-testid="handoff-to">
            {choices.map((p) => (
              <option key={p.key} value={p.key}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Why, in a sentence (goes into the log and the pod's prompt)
          <textarea value={reason} onChange={(e) => setReason(e.target.value)} rows={3} required autoFocus data-testid="handoff-reason" />
        </label>
        <label>
          Files the pod should work from (one per line; from the task)
          <textarea value={files} onChange={(e) => setFiles(e.target.value)} rows={Math.min(5, Math.max(2, task.inputs.length))} data-testid="handoff-files" />
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error.title} {error.detail} {error.next}
          </p>
        )}
        <div className="form-actions">
          <button type="button" className="quiet" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" disabled={busy || !target || reason.trim() === ""}>
            {busy ? "Handing off…" : `Hand off to the ${toName}`}
          </button>
        </div>
      </form>
    </div>
  );
}
