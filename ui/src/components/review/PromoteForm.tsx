import { useState } from "react";
import type { PromoteFields } from "../../lib/review/usePromote";
import { Markdown } from "../shared/Markdown";

/** What goes into the review request: branches, title, description (with a preview), labels, reviewers, draft. */
export function PromoteForm({
  target,
  fields,
  set,
  running,
}: {
  target: string;
  fields: PromoteFields;
  set: <K extends keyof PromoteFields>(key: K, value: PromoteFields[K]) => void;
  running: boolean;
}) {
  const [previewBody, setPreviewBody] = useState(false);
  return (
    <>
      <p className="muted">
        Patchdesk makes a branch with this change and the pod's logs, sends it to {target}, and opens a review request.
        Nothing in your own folder changes.
      </p>
      <div className="form-row">
        <label>
          Into branch (empty: the main branch)
          <input type="text" value={fields.base} onChange={(e) => set("base", e.target.value)} placeholder="main" disabled={running} />
        </label>
        <label>
          New branch for the change
          <input type="text" value={fields.branch} onChange={(e) => set("branch", e.target.value)} disabled={running} data-testid="promote-branch" />
        </label>
      </div>
      <label>
        Title
        <input type="text" value={fields.title} onChange={(e) => set("title", e.target.value)} disabled={running} data-testid="promote-title" />
      </label>
      <label>
        <span className="label-row">
          Description
          {fields.body.trim() && (
            <button type="button" className="link" onClick={() => setPreviewBody((v) => !v)} data-testid="promote-body-preview-toggle">
              {previewBody ? "Edit" : "Preview"}
            </button>
          )}
        </span>
        {previewBody && fields.body.trim() ? (
          <div className="body-preview" data-testid="promote-body-preview">
            <Markdown text={fields.body} />
          </div>
        ) : (
          <textarea
            rows={3}
            value={fields.body}
            onChange={(e) => set("body", e.target.value)}
            disabled={running}
            placeholder="Leave empty: Patchdesk writes it from the pod's changelog, reasoning, files and prompt."
            data-testid="promote-body"
          />
        )}
      </label>
      <div className="form-row">
        <label>
          Labels (comma between)
          <input type="text" value={fields.labels} onChange={(e) => set("labels", e.target.value)} disabled={running} data-testid="promote-labels" />
        </label>
        <label>
          Reviewers (GitHub names)
          <input type="text" value={fields.reviewers} onChange={(e) => set("reviewers", e.target.value)} placeholder="none" disabled={running} data-testid="promote-reviewers" />
        </label>
      </div>
      <label className="inline">
        <input type="checkbox" checked={fields.draft} onChange={(e) => set("draft", e.target.checked)} disabled={running} /> Mark as a draft (not
        ready to merge yet)
      </label>
    </>
  );
}
