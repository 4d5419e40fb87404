import { useCallback, useEffect, useState } from "react";
import { open as pickFolder } from "@tauri-apps/plugin-dialog";
import type { Overview } from "./bindings";
import { backend } from "./ipc";
import { explain, type Explained } from "./errors";
import { Inbox } from "./Inbox";
import { BoardView } from "./BoardView";

type Load = { state: "loading" } | { state: "ready"; overview: Overview } | { state: "failed"; error: Explained };

export function App() {
  const [load, setLoad] = useState<Load>({ state: "loading" });

  const run = useCallback(async (call: () => Promise<Overview>) => {
    try {
      setLoad({ state: "ready", overview: await call() });
    } catch (e) {
      setLoad({ state: "failed", error: explain(e) });
    }
  }, []);

  useEffect(() => {
    void run(backend.currentProject);
  }, [run]);

  const openFolder = async () => {
    const path = await pickFolder({ directory: true, multiple: false, title: "Open a project folder" });
    if (typeof path === "string") await run(() => backend.openProject(path));
  };

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand" aria-label="Patchdesk">
          <span className="logo" aria-hidden="true" />
          Patchdesk
        </div>
        {load.state === "ready" && <ProjectTitle overview={load.overview} />}
        <div className="topbar-actions">
          <button type="button" onClick={openFolder}>
            Open project…
          </button>
          <button type="button" className="quiet" onClick={() => run(backend.openDemoProject)}>
            Demo project
          </button>
        </div>
      </header>
      {load.state === "loading" && <Loading />}
      {load.state === "failed" && <ErrorPanel error={load.error} onRetry={() => run(backend.currentProject)} />}
      {load.state === "ready" && (
        <main className="workspace">
          <Inbox items={load.overview.inbox} />
          <BoardView board={load.overview.board} />
        </main>
      )}
    </div>
  );
}

function ProjectTitle({ overview }: { overview: Overview }) {
  const s = overview.summary;
  return (
    <div className="project-title">
      <h1 data-testid="project-name">{s.name}</h1>
      <span className="project-meta">
        {s.branch && <span title="The branch Patchdesk works from">on {s.branch}</span>}
        {s.remote && (
          <span className={s.remote.isPractice ? "badge practice" : "badge"} title={s.remote.url}>
            {s.remote.isPractice ? "Practice remote" : "GitHub"}
          </span>
        )}
      </span>
    </div>
  );
}

function Loading() {
  return (
    <main className="workspace" aria-busy="true">
      <section className="panel skeleton" aria-label="Loading the inbox" />
      <section className="panel skeleton" aria-label="Loading the board" />
    </main>
  );
}

export function ErrorPanel({ error, onRetry }: { error: Explained; onRetry?: () => void }) {
  return (
    <div className="error-panel" role="alert" data-code={error.code}>
      <h2>{error.title}</h2>
      <p>{error.next}</p>
      {error.detail && <pre className="detail">{error.detail}</pre>}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
