import { useEffect, useRef, useState } from "react";
import { backend, onEvent, type CloneProgress, type Overview, type RepoSummary } from "../ipc";
import { explain, type Explained } from "../errors/errors";

/**
 * The signed-in account's repositories (null while they load) and opening one: `open(repo)`
 * downloads Patchdesk's copy the first time (its `progress` comes as events) and hands the
 * opened project to `onOpened`.
 */
export function useRepositories(onOpened: (o: Overview) => void) {
  const [all, setAll] = useState<RepoSummary[] | null>(null);
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
  return { all, error, opening, progress, open };
}
