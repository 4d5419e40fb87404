import { useState } from "react";
import { backend, copyText, type SignInCode } from "../../lib/ipc";
import { explain, type Explained } from "../../lib/errors/errors";

/** Signing in with a code: the code to type on GitHub's page, which opens with one click. */
export function CodeWaiting({ code, onCancel }: { code: SignInCode; onCancel: () => void }) {
  const [copied, setCopied] = useState(false);
  const [problem, setProblem] = useState<Explained | null>(null);
  const go = async () => {
    try {
      await copyText(code.user_code);
      setCopied(true);
    } catch {
      setCopied(false);
    }
    try {
      setProblem(null);
      await backend.openGithubPage(code.verification_uri);
    } catch (e) {
      setProblem(explain(e));
    }
  };
  return (
    <div className="github-code">
      <p>Type this code on GitHub's page to let Patchdesk in:</p>
      <p className="user-code" data-testid="github-user-code">
        {code.user_code}
      </p>
      <button type="button" onClick={go} data-testid="github-open-page">
        {copied ? "Code copied: open GitHub again" : "Copy the code and open GitHub"}
      </button>
      {problem && (
        <p className="error-text" role="alert" data-testid="github-open-page-error">
          {problem.title} {problem.detail} {problem.next}
        </p>
      )}
      <p className="muted" aria-live="polite">
        <span className="spinner" aria-hidden="true" /> Waiting for you to approve on GitHub… The code works for {Math.round(code.expires_in / 60)} minutes.
      </p>
      <button type="button" className="quiet" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
