import { useCallback, useEffect, useRef, useState } from "react";
import { backend, copyText, onEvent, type Account, type CloneProgress, type GitHubStatus, type Overview, type RepoSummary, type SignInCode } from "../../lib/ipc";
import { explain, type Explained } from "../../lib/errors/errors";
import { cloneWords, filterRepositories } from "../../lib/github/github";

type Stage =
  | { kind: "loading" }
  | { kind: "signed-out" }
  | { kind: "token" }
  | { kind: "code"; code: SignInCode }
  | { kind: "signed-in"; account: Account };

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
  const [status, setStatus] = useState<GitHubStatus | null>(null);
  const [stage, setStage] = useState<Stage>({ kind: "loading" });
  const [error, setError] = useState<Explained | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    setError(null);
    try {
      const s = await backend.githubStatus();
      setStatus(s);
      onStatus(s);
      setStage(s.account ? { kind: "signed-in", account: s.account } : { kind: "signed-out" });
      if (s.notice) setError(explain(s.notice));
    } catch (e) {
      setError(explain(e));
      setStage({ kind: "signed-out" });
    }
  }, [onStatus]);

  useEffect(() => {
    void load();
  }, [load]);

  const signedIn = (account: Account) => {
    setStage({ kind: "signed-in", account });
    setError(null);
    void load();
  };

  const startCode = async () => {
    setBusy(true);
    setError(null);
    try {
      const code = await backend.githubStartSignIn();
      setStage({ kind: "code", code });
      setBusy(false);
      signedIn(await backend.githubFinishSignIn());
    } catch (e) {
      const x = explain(e);
      setStage({ kind: "signed-out" });
      if (!/cancelled/i.test(x.detail)) setError(x);
    } finally {
      setBusy(false);
    }
  };

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
        {stage.kind === "code" && (
          <CodeWaiting
            code={stage.code}
            onCancel={() => {
              void backend.githubCancelSignIn();
              setStage({ kind: "signed-out" });
            }}
          />
        )}
        {stage.kind === "signed-in" && (
          <Repositories
            account={stage.account}
            onOpened={onOpened}
            onSignOut={async () => {
              try {
                await backend.githubSignOut();
              } catch (e) {
                setError(explain(e));
              }
              await load();
            }}
          />
        )}
        <div className="dialog-actions">
          <button type="button" className="quiet" onClick={close} data-testid="github-close">
            Close
          </button>
        </div>
      </div>
    </div>
  );
}

function SignedOut({
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

function TokenForm({ host, webUrl, onBack, onSignedIn }: { host: string; webUrl: string; onBack: () => void; onSignedIn: (a: Account) => void }) {
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

function CodeWaiting({ code, onCancel }: { code: SignInCode; onCancel: () => void }) {
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

function Repositories({ account, onOpened, onSignOut }: { account: Account; onOpened: (o: Overview) => void; onSignOut: () => void }) {
  const [all, setAll] = useState<RepoSummary[] | null>(null);
  const [query, setQuery] = useState("");
  const [error, setError] = useState<Explained | null>(null);
  const [opening, setOpening] = useState<string | null>(null);
  const [progress, setProgress] = useState<CloneProgress | null>(null);
  const openingRef = useRef<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    backend.githubRepositories("").then(
      (r) => !cancelled && setAll(r),
      (e) => !cancelled && setError(explain(e)),
    );
    return () => {
      cancelled = true;
    };
  }, []);

  useEffect(
    () =>
      onEvent("cloneProgressed", (p) => {
        if (p.repository === openingRef.current) setProgress(p.progress);
      }),
    [],
  );

  const open = async (r: RepoSummary) => {
    openingRef.current = r.full_name;
    setOpening(r.full_name);
    setProgress(null);
    setError(null);
    try {
      onOpened(await backend.connectGithubRepository(r.full_name, r.clone_url));
    } catch (e) {
      setError(explain(e));
    } finally {
      openingRef.current = null;
      setOpening(null);
    }
  };

  const shown = all ? filterRepositories(all, query) : [];
  const words = cloneWords(progress);
  return (
    <div className="github-repos">
      <p className="github-account">
        Signed in as <strong data-testid="github-login">{account.name ? `${account.name} (${account.login})` : account.login}</strong>.{" "}
        <button type="button" className="link" onClick={onSignOut} data-testid="github-sign-out">
          Sign out
        </button>
      </p>
      <input
        type="search"
        placeholder="Search your repositories"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        aria-label="Search your repositories"
        data-testid="github-repo-search"
        autoFocus
      />
      {error && (
        <p className="error-text" role="alert" data-testid="github-repos-error">
          {error.title} {error.detail} {error.next}
        </p>
      )}
      {opening && (
        <div className="clone-progress" data-testid="clone-progress">
          <div>
            Downloading {opening}… {words.text}
          </div>
          <progress max={100} value={words.percent ?? undefined} />
        </div>
      )}
      {all === null && !error && <p className="muted">Loading your repositories…</p>}
      {all && shown.length === 0 && <p className="muted">{query ? `No repository matches “${query}”.` : "Your account has no repositories yet."}</p>}
      <ul className="repo-list" data-testid="github-repo-list">
        {shown.map((r) => (
          <li key={r.full_name}>
            <div>
              <strong>{r.full_name}</strong> {r.private && <span className="badge">private</span>}
              {r.description && <div className="muted">{r.description}</div>}
            </div>
            <button type="button" disabled={opening !== null} onClick={() => void open(r)} data-testid={`github-open-${r.full_name}`}>
              Open
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
