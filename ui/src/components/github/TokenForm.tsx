import { useState } from "react";
import { backend, type Account } from "../../lib/ipc";
import { explain, type Explained } from "../../lib/errors/errors";

/** Signing in with a token the lead made on GitHub's settings page. */
export function TokenForm({ host, webUrl, onBack, onSignedIn }: { host: string; webUrl: string; onBack: () => void; onSignedIn: (a: Account) => void }) {
  const [token, setToken] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Explained | null>(null);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const account = await backend.githubSignInWithToken(token);
      setToken("");
      onSignedIn(account);
    } catch (err) {
      setError(explain(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} className="github-token">
      <p>
        Make a token on {host} (<em>Settings → Developer settings → Personal access tokens</em>) with access to your repositories'
        contents and pull requests, then paste it here.
      </p>
      <button type="button" className="link" onClick={() => void backend.openGithubPage(`${webUrl}/settings/tokens`).catch((e) => setError(explain(e)))}>
        Open the token page on {host}
      </button>
      <label>
        Token
        <input type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} data-testid="github-token" />
      </label>
      {error && (
        <p className="error-text" role="alert" data-testid="github-token-error">
          {error.title} {error.detail} {error.next}
        </p>
      )}
      <div className="github-choices">
        <button type="submit" disabled={busy || token.trim() === ""} data-testid="github-token-submit">
          {busy ? "Checking…" : "Sign in"}
        </button>
        <button type="button" className="quiet" onClick={onBack}>
          Back
        </button>
      </div>
    </form>
  );
}
