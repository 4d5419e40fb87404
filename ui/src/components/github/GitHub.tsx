import { backend, type GitHubStatus, type Overview } from "../../lib/ipc";
import { useSignIn } from "../../lib/github/useSignIn";
import { CodeWaiting } from "./CodeWaiting";
import { Repositories } from "./Repositories";
import { SignedOut } from "./SignedOut";
import { TokenForm } from "./TokenForm";

/** The GitHub button in the top bar: who is signed in, or an invitation to connect. */
export function GitHubButton({ status, onClick }: { status: GitHubStatus | null; onClick: () => void }) {
  const who = status?.account?.login;
  return (
    <button type="button" className={who ? "quiet github-button" : "github-button"} onClick={onClick} data-testid="github-button">
      {who ? `GitHub: ${who}` : "Connect GitHub…"}
    </button>
  );
}

/**
 * Connecting to GitHub: sign in (a code typed on GitHub's page, or a pasted token), then pick
 * one of your repositories. Patchdesk downloads its own copy the first time, with progress,
 * and opens it as the project.
 */
export function GitHubDialog({
  onClose,
  onStatus,
  onOpened,
}: {
  onClose: () => void;
  onStatus: (s: GitHubStatus | null) => void;
  onOpened: (o: Overview) => void;
}) {
  const { status, stage, setStage, error, busy, load, signedIn, startCode, cancelCode, signOut } = useSignIn(onStatus);

  const close = () => {
    if (stage.kind === "code") void backend.githubCancelSignIn();
    onClose();
  };

  return (
    <div className="dialog-backdrop" role="presentation" onKeyDown={(e) => e.key === "Escape" && close()}>
      <div className="dialog github-dialog" role="dialog" aria-modal="true" aria-labelledby="github-title" data-testid="github-dialog">
        <h2 id="github-title">{stage.kind === "signed-in" ? "Open a repository from GitHub" : "Connect Patchdesk to GitHub"}</h2>
        {error && (
          <div className="notice error" role="alert" data-testid="github-error">
            <strong>{error.title}</strong> {error.detail && <span>{error.detail}</span>}
            <div className="muted">{error.next}</div>
          </div>
        )}
        {stage.kind === "loading" && <p className="muted">Checking your GitHub sign-in…</p>}
        {stage.kind === "signed-out" && status && (
          <SignedOut status={status} busy={busy} onCode={startCode} onToken={() => setStage({ kind: "token" })} onSaved={load} />
        )}
        {stage.kind === "token" && (
          <TokenForm host={status?.host ?? "github.com"} webUrl={status?.web_url ?? "https://github.com"} onBack={() => setStage({ kind: "signed-out" })} onSignedIn={signedIn} />
        )}
        {stage.kind === "code" && <CodeWaiting code={stage.code} onCancel={cancelCode} />}
        {stage.kind === "signed-in" && <Repositories account={stage.account} onOpened={onOpened} onSignOut={signOut} />}
        <div className="dialog-actions">
          <button type="button" className="quiet" onClick={close} data-testid="github-close">
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
