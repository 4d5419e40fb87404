import { useState } from "react";
import { backend, type Rejected } from "../../lib/ipc";
import { explain, type Explained } from "../../lib/errors/errors";

/** Sending an item back: the lead's note for the pod, saved with the task and made into a prompt. */
export function RejectForm({
  name,
  taskId,
  onCancel,
  onDone,
}: {
  name: string;
  taskId: string | null;
  onCancel: () => void;
  onDone: (r: Rejected) => void;
}) {
  const [note, setNote] = useState("");
  const [error, setError] = useState<Explained | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    try {
      onDone(await backend.rejectItem(name, note));
    } catch (e) {
      setError(explain(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="reject-form"
      data-testid="reject-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label htmlFor="reject-note">
        What should the pod change{taskId ? ` in ${taskId}` : ""}? Your note is saved with the task and turned into a prompt for
        the pod.
      </label>
      <textarea id="reject-note" value={note} onChange={(e) => setNote(e.target.value)} rows={4} required autoFocus />
      {error && <p className="form-error">{error.title} {error.detail}</p>}
      <div className="form-actions">
        <button type="button" className="quiet" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={busy || note.trim() === ""}>
          Send back to the pod
        </button>
      </div>
    </form>
  );
}
