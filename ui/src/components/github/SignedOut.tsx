import { useState } from "react";
import { backend, type GitHubStatus } from "../../lib/ipc";
import { explain, type Explained } from "../../lib/errors/errors";

/** Not signed in: the two ways to sign in, and the organisation's settings (server, app id). */
export function SignedOut({
  status,
  busy,
  onCode,
  onToken,
  onSaved,
}: {
  status: GitHubStatus;
  busy: boolean;
  onCode: () => void;
  onToken: () => void;
  onSaved: () => void;
}) {
  return (
    <>
      <p>
        Patchdesk sends reviewed changes to <strong>{status.host}</strong> as pull requests. Your sign-in is kept in this computer's
        keyring, never in a file.
      </p>
      <div className="github-choices">
        <button type="button" onClick={onCode} disabled={busy || !status.device_flow_ready} data-testid="github-sign-in-code">
          Sign in with GitHub
        </button>
        <button type="button" className="quiet" onClick={onToken} data-testid="github-use-token">
          Use a token instead
        </button>
      </div>
      {!status.device_flow_ready && (
        <p className="muted">
          Signing in with GitHub needs your organisation's GitHub app id. Ask whoever looks after your GitHub for it, or use a token.
        </p>
      )}
      <OrganisationSettings status={status} onSaved={onSaved} />
    </>
  );
}

function OrganisationSettings({ status, onSaved }: { status: GitHubStatus; onSaved: () => void }) {
  const [server, setServer] = useState(status.host === "github.com" ? "" : status.web_url);
  const [clientId, setClientId] = useState(status.client_id ?? "");
  const [error, setError] = useState<Explained | null>(null);
  const save = async () => {
    try {
      await backend.githubSettings(server, clientId);
      setError(null);
      onSaved();
    } catch (e) {
      setError(explain(e));
    }
  };
  return (
    <details className="github-settings">
      <summary>Settings for your organisation</summary>
      <label>
        GitHub app id (Client ID)
        <input type="text" value={clientId} onChange={(e) => setClientId(e.target.value)} placeholder="Iv1.0123456789abcdef" data-testid="github-client-id" />
      </label>
      <label>
        GitHub Enterprise server (leave empty for github.com)
        <input type="text" value={server} onChange={(e) => setServer(e.target.value)} placeholder="https://github.example.org" data-testid="github-server" />
      </label>
      {error && <p className="error-text">{error.title} {error.detail}</p>}
      <button type="button" className="quiet" onClick={save} data-testid="github-settings-save">
        Save settings
      </button>
    </details>
  );
}
