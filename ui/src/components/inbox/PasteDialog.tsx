// "Paste from chat": a pod's answer pasted instead of saved. The text is editable; Patchdesk
// says what it recognised ("OpenAI patch, 2 files"); when the text names no task, the lead picks
// one from the board; "Add to inbox" saves it like a download.
import { useState } from "react";
import { backend, type InboxItem, type PastePreview, type Task } from "../../lib/ipc";
import { explain, type Explained } from "../../lib/errors/errors";
import { useRecognised } from "../../lib/inbox/paste";

export function PasteDialog({
  initialText,
  tasks,
  onAdded,
  onClose,
  recognise = backend.recognisePaste,
  add = backend.pasteAnswer,
}: {
  /** The clipboard's text when the dialog was opened by a paste (Ctrl+V). */
  initialText: string;
  /** The board's tasks, for the picker. */
  tasks: Task[];
  onAdded: (item: InboxItem) => void;
  onClose: () => void;
  recognise?: (text: string) => Promise<PastePreview>;
  add?: (text: string, task: string | null) => Promise<InboxItem>;
}) {
  const [text, setText] = useState(initialText);
  const seen = useRecognised(text, recognise);
  const [task, setTask] = useState("");
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<Explained | null>(null);

  const named = seen.state === "ok" ? seen.preview.task_id : null;
  const chosen = named ?? (task || null);
  const ready = seen.state === "ok" && chosen !== null && !adding;

  const submit = async () => {
    if (!ready) return;
    setAdding(true);
    setError(null);
    try {
      onAdded(await add(text, named ? null : chosen));
    } catch (e) {
      setError(explain(e));
    } finally {
      setAdding(false);
    }
  };

  return (
    <div className="dialog-backdrop" role="presentation" onKeyDown={(e) => e.key === "Escape" && onClose()}>
      <div className="dialog paste-dialog" role="dialog" aria-modal="true" aria-labelledby="paste-title" data-testid="paste-dialog">
        <h2 id="paste-title">Paste from chat</h2>
        <label>
          The pod's answer
          <textarea
            rows={10}
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="Paste the pod's whole answer here (Ctrl+V): a patch, an OpenAI patch, edit blocks or whole files."
            spellCheck={false}
            autoFocus={!initialText}
            data-testid="paste-text"
          />
        </label>
        <p className="paste-seen" data-testid="paste-recognised" aria-live="polite">
          {seen.state === "empty" && <span className="muted">Nothing pasted yet.</span>}
          {seen.state === "reading" && <span className="muted">Reading…</span>}
          {seen.state === "ok" && (
            <>
              <strong>Patchdesk sees: {seen.preview.description}</strong>
              {seen.preview.paths.length > 0 && <span className="muted"> — {seen.preview.paths.slice(0, 4).join(", ")}{seen.preview.paths.length > 4 ? ", …" : ""}</span>}
            </>
          )}
          {seen.state === "refused" && (
            <span className="tone-bad" data-testid="paste-refused">
              {seen.error.detail}
            </span>
          )}
        </p>
        {seen.state === "ok" &&
          (named ? (
            <p data-testid="paste-task-named">
              For task <span className="pill">{named}</span> (named in the answer).
            </p>
          ) : (
            <label>
              Which task is it for? The answer does not say.
              <select value={task} onChange={(e) => setTask(e.target.value)} data-testid="paste-task">
                <option value="">Choose a task…</option>
                {tasks.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.id} — {t.title}
                  </option>
                ))}
              </select>
            </label>
          ))}
        {error && (
          <p className="tone-bad" role="alert" data-testid="paste-error">
            {error.title} {error.detail}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="quiet" onClick={onClose}>
            Cancel
          </button>
          <button type="button" onClick={submit} disabled={!ready} data-testid="paste-add">
            {adding ? "Adding…" : "Add to inbox"}
          </button>
        </div>
      </div>
    </div>
  );
}
