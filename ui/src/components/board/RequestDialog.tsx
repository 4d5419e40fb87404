import { stateWords, type RequestView } from "../../lib/review/loop";
import { useRequestActions, type LoopCalls } from "../../lib/review/useRequestActions";
import { useRequestView } from "../../lib/review/useRequestView";
import { LeadActions } from "./LeadActions";
import { PracticeReviewer } from "./PracticeReviewer";
import { RequestChips } from "./RequestChips";

/**
 * A task's review request: where it stands, what the lead can do (send back, merge, withdraw,
 * undo), the revision prompt once sent back, and on the demo the practice reviewer.
 */
export function RequestDialog({
  task,
  item,
  title,
  view: seen,
  calls,
  onClose,
  onDone,
}: {
  task: string;
  /** The inbox item that was sent (its files are the request's). */
  item: string;
  title: string;
  view: RequestView;
  calls: LoopCalls;
  onClose: () => void;
  /** After an action: what it did, in one sentence (the board is read again). */
  onDone: (words: string) => void;
}) {
  const { view, reload } = useRequestView(task, seen, calls);
  const actions = useRequestActions(task, view.number, calls, (words) => {
    reload();
    onDone(words);
  });
  const { error, prompt } = actions;
  return (
    <div className="dialog-backdrop">
      <div className="dialog request-dialog" role="dialog" aria-modal="true" aria-labelledby="request-title" data-testid="request-dialog" data-task={task}>
        <h2 id="request-title">
          {task}: {stateWords(view)}
        </h2>
        <p className="muted">{title}</p>
        <RequestChips view={view} />
        <LeadActions view={view} actions={actions} />
        {error && (
          <div className="form-error" role="alert" data-testid="request-error" data-code={error.code}>
            <strong>{error.title}</strong> {error.next}
            {error.detail && <pre className="detail">{error.detail}</pre>}
          </div>
        )}
        {prompt && (
          <div className="notice" data-testid="revision-prompt">
            <strong>{prompt.copied ? "The revision prompt is on your clipboard." : "Copy this revision prompt."}</strong> Paste it into the pod's chat; it is
            also saved in {prompt.path}. When the pod answers, drop its patch on the window: it becomes the next revision of #{view.number}.
            <pre className="log-text">{prompt.text}</pre>
          </div>
        )}
        {view.practice && view.state === "open" && <PracticeReviewer view={view} actions={actions} files={() => calls.files(item)} />}
        <div className="form-actions">
          <button type="button" onClick={onClose} data-testid="request-close">
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
