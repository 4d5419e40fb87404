import { useState } from "react";
import type { Account, Overview } from "../../lib/ipc";
import { cloneWords, filterRepositories } from "../../lib/github/github";
import { useRepositories } from "../../lib/github/useRepositories";

/** Signed in: who, sign out, and the account's repositories to search and open. */
export function Repositories({ account, onOpened, onSignOut }: { account: Account; onOpened: (o: Overview) => void; onSignOut: () => void }) {
  const [query, setQuery] = useState("");
  const { all, error, opening, progress, open } = useRepositories(onOpened);

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
