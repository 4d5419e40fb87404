import { useEffect, useState } from "react";
import { lineNumber, type RequestView } from "../../lib/review/loop";
import type { RequestActions } from "../../lib/review/useRequestActions";

/**
 * The demo's practice reviewer: what a teammate would do to the request on GitHub — approve it,
 * ask for changes with a comment on a line of one of its files, merge it — done on the practice
 * remote, so the whole loop can be walked without GitHub.
 */
export function PracticeReviewer({ view, actions, files }: { view: RequestView; actions: RequestActions; files: () => Promise<string[]> }) {
  const [asking, setAsking] = useState(false);
  const [paths, setPaths] = useState<string[]>([]);
  const [comment, setComment] = useState("");
  const [path, setPath] = useState("");
  const [line, setLine] = useState("");
  const { busy } = actions;

  useEffect(() => {
    if (!asking) return;
    let gone = false;
    files().then(
      (p) => {
        if (gone) return;
        setPaths(p);
        setPath((was) => was || p[0] || "");
      },
      () => setPaths([]),
    );
    return () => {
      gone = true;
    };
    // the files are read once each time the form opens
  }, [asking]);

  const n = path ? lineNumber(line) : null;
  const lineProblem = typeof n === "string" ? n : null;
  const submit = async () => {
    if (lineProblem) return;
    const ok = await actions.ask(comment.trim(), path || null, typeof n === "number" ? n : null);
    if (ok) {
      setAsking(false);
      setComment("");
      setLine("");
    }
  };

  return (
    <section className="practice-reviewer" aria-labelledby="practice-title" data-testid="practice-reviewer">
      <h3 id="practice-title">Practice reviewer (stands in for a teammate on GitHub)</h3>
      <p className="muted">On the demo nobody else reviews your requests: play the reviewer here to see what Patchdesk does next.</p>
      <div className="form-actions">
        <button type="button" className="quiet" onClick={() => void actions.approve()} disabled={busy !== null} data-testid="practice-approve">
          {busy === "approve" ? "Approving…" : "Approve"}
        </button>
        <button type="button" className="quiet" onClick={() => setAsking(true)} disabled={busy !== null || asking} data-testid="practice-ask">
          Ask for changes…
        </button>
        <button type="button" className="quiet" onClick={() => void actions.practiceMerge()} disabled={busy !== null} data-testid="practice-merge">
          {busy === "practice_merge" ? "Merging…" : `Merge #${view.number}`}
        </button>
      </div>
      {asking && (
        <form
          className="practice-ask"
          data-testid="practice-ask-form"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <label>
            What should change?
            <textarea value={comment} onChange={(e) => setComment(e.target.value)} rows={3} required data-testid="practice-comment" />
          </label>
          <div className="form-row">
            <label>
              On the file
              <select value={path} onChange={(e) => setPath(e.target.value)} data-testid="practice-file">
                <option value="">The whole request</option>
                {paths.map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Line
              <input type="text" inputMode="numeric" value={line} onChange={(e) => setLine(e.target.value)} disabled={!path} data-testid="practice-line" />
            </label>
          </div>
          {path && line !== "" && lineProblem && <p className="form-error">{lineProblem}</p>}
          <div className="form-actions">
            <button type="button" className="quiet" onClick={() => setAsking(false)}>
              Cancel
            </button>
            <button type="submit" disabled={busy !== null || comment.trim() === "" || (!!path && lineProblem !== null)} data-testid="practice-ask-send">
              {busy === "ask" ? "Asking…" : "Ask for changes"}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
