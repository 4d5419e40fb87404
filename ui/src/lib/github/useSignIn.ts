import { useCallback, useEffect, useState } from "react";
import { backend, type Account, type GitHubStatus, type SignInCode } from "../ipc";
import { explain, type Explained } from "../errors/errors";

/** Where the GitHub dialog is: reading the sign-in, signed out, typing a token, waiting for a code, signed in. */
export type Stage =
  | { kind: "loading" }
  | { kind: "signed-out" }
  | { kind: "token" }
  | { kind: "code"; code: SignInCode }
  | { kind: "signed-in"; account: Account };

/**
 * Signing in to GitHub: who is signed in (read at start and by `load`, told to `onStatus`), the
 * stage, the last refusal. `startCode` runs the code sign-in to its end; `cancelCode` stops
 * waiting; `signOut` forgets the sign-in.
 */
export function useSignIn(onStatus: (s: GitHubStatus | null) => void) {
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

  const cancelCode = () => {
    void backend.githubCancelSignIn();
    setStage({ kind: "signed-out" });
  };

  const signOut = async () => {
    try {
      await backend.githubSignOut();
    } catch (e) {
      setError(explain(e));
    }
    await load();
  };
  return { status, stage, setStage, error, busy, load, signedIn, startCode, cancelCode, signOut };
}
