import { lazy, Suspense, useCallback, useEffect, useRef, useState } from "react";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import type { ImportReport, Overview } from "./bindings";
import { backend } from "./ipc";
import { explain, type Explained } from "./errors";
import { Inbox } from "./Inbox";
import { PasteDialog, usePasteShortcut } from "./PasteDialog";
import { BoardView } from "./BoardView";
import { ReviewPane } from "./ReviewPane";
import { plural } from "./format";
import { followSummary } from "./board";
import { sendBoard } from "./boardSync";
import { GitHubButton, GitHubDialog } from "./GitHub";
import { events, commands, type Choosing, type GitHubStatus, type ItemCheck } from "./bindings";

type Load = { state: "loading" } | { state: "ready"; overview: Overview } | { state: "failed"; error: Explained };
type Tab = "inbox" | "board" | "numbers";
// The charts library is large; load the Numbers screen only when it is first opened.
const MetricsView = lazy(() => import("./Metrics").then((m) => ({ default: m.MetricsView })));

/** One sentence about what a drop did. */
export function importSummary(r: ImportReport): string {
  const parts: string[] = [];
  if (r.imported.length) parts.push(`Added ${plural(r.imported.length, "item")} to the inbox`);
  if (r.attached.length) parts.push(`attached ${plural(r.attached.length, "file")} to ${r.attached.length === 1 ? "its" : "their"} patch`);
  if (r.already_imported.length) parts.push(`${plural(r.already_imported.length, "file")} already in the inbox`);
  if (r.unmatched.length) parts.push(`${plural(r.unmatched.length, "file")} matched no patch and ${r.unmatched.length === 1 ? "was" : "were"} not kept`);
  if (r.refused.length) return `Nothing was added: ${r.refused.map((x) => `${x.file_name}: ${x.error.message}`).join("; ")}`;
  return parts.length ? `${parts.join("; ")}.` : "Nothing new to add.";
}

export function App() {
  const [load, setLoad] = useState<Load>({ state: "loading" });
  const [tab, setTab] = useState<Tab>("inbox");
  const [selected, setSelected] = useState<string | null>(null);
  const [dropping, setDropping] = useState(false);
  const [toasts, setToasts] = useState<{ id: number; text: string }[]>([]);
  const nextToast = useRef(0);
  const [github, setGithub] = useState<GitHubStatus | null>(null);
  const [githubOpen, setGithubOpen] = useState(false);

  const toast = useCallback((text: string) => {
    const id = nextToast.current++;
    setToasts((t) => [...t, { id, text }]);
    setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), 6000);
  }, []);

  const run = useCallback(async (call: () => Promise<Overview>) => {
    try {
      setLoad({ state: "ready", overview: await call() });
    } catch (e) {
      setLoad({ state: "failed", error: explain(e) });
    }
  }, []);
  const refresh = useCallback(() => run(backend.currentProject), [run]);

  const importPaths = useCallback(
    async (paths: string[]) => {
      if (paths.length === 0) return;
      try {
        const report = await backend.importFiles(paths);
        toast(importSummary(report));
        await refresh();
        if (report.imported[0]) {
          setTab("inbox");
          setSelected(report.imported[0].name);
        }
      } catch (e) {
        const x = explain(e);
        toast(`${x.title} ${x.detail}`);
      }
    },
    [refresh, toast],
  );

  useEffect(() => {
    void refresh();
  }, [refresh]);

  // Pod downloads picked up from the Downloads folder by the backend's watch.
  const [watched, setWatched] = useState<string | null>(null);
  useEffect(() => {
    let unlisten: (() => void) | undefined;
    commands.watchedFolder().then(setWatched, () => setWatched(null));
    events.downloadsArrived
      .listen(async (e) => {
        const { report, error, files } = e.payload;
        if (error) {
          const x = explain(error);
          toast(`Could not add ${files.join(", ")} from Downloads: ${x.title} ${x.detail}`);
          return;
        }
        if (!report) return;
        toast(`From Downloads: ${importSummary(report)}`);
        await refresh();
        if (report.imported[0]) {
          setTab("inbox");
          setSelected(report.imported[0].name);
        }
      })
      .then((u) => (unlisten = u), () => undefined);
    return () => unlisten?.();
  }, [refresh, toast]);

  // Who is signed in to GitHub (the keyring and GitHub are asked once at start).
  useEffect(() => {
    backend.githubStatus().then(setGithub, () => setGithub(null));
  }, []);

  // Files dragged from the file manager: the backend remembers what the system handed over
  // and then tells the window (`FilesDropped`); the webview's own drop event only lights the
  // drop zone.
  useEffect(() => {
    let unlisten: (() => void) | undefined;
    try {
      getCurrentWebview()
        .onDragDropEvent((event) => {
          const p = event.payload;
          if (p.type === "enter" || p.type === "over") setDropping(true);
          else setDropping(false);
        })
        .then((u) => (unlisten = u), () => undefined);
    } catch {
      // not running inside the app window (unit tests)
    }
    return () => unlisten?.();
  }, []);
  useEffect(() => {
    let unlisten: (() => void) | undefined;
    events.filesDropped
      .listen((e) => void importPaths(e.payload.paths))
      .then((u) => (unlisten = u), () => undefined);
    return () => unlisten?.();
  }, [importPaths]);

  const choose = async (what: Choosing): Promise<string[]> => {
    try {
      return await backend.choosePaths(what);
    } catch (e) {
      const x = explain(e);
      toast(`${x.title} ${x.detail}`);
      return [];
    }
  };
  const openFolder = async () => {
    const [path] = await choose("project_folder");
    if (path) await run(() => backend.openProject(path));
  };
  const addFiles = async () => importPaths(await choose("pod_files"));

  const overview = load.state === "ready" ? load.overview : null;

  // "Paste from chat": the button, or Ctrl+V on the window (the text it brings, if any).
  const [pasting, setPasting] = useState<string | null>(null);
  const openPaste = useCallback((text: string) => setPasting((open) => open ?? text), []);
  usePasteShortcut(overview !== null, openPaste);

  // How each waiting item applies, checked in the background after the list shows.
  const [checks, setChecks] = useState<Record<string, ItemCheck>>({});
  useEffect(() => {
    if (!overview) return;
    let cancelled = false;
    backend.inboxChecks().then(
      (list) => !cancelled && setChecks(Object.fromEntries(list.map((c) => [c.name, c]))),
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [overview]);
  const hasRemote = overview?.summary.remote != null;

  // Follow the review requests Patchdesk opened: every minute while a project with a remote is
  // open (GitHub answers "not changed" cheaply). News arrives as a toast and a fresh board.
  useEffect(() => {
    if (!hasRemote) return;
    const timer = setInterval(() => {
      backend.followReviews().then(
        (report) => {
          const news = followSummary(report);
          if (news) {
            toast(news);
            void refresh();
          }
          // Handoffs and follow-up commits made while offline go out now.
          void sendBoard(toast, true);
        },
        () => undefined, // offline or signed out: the board's "Check reviews" says why
      );
    }, 60_000);
    return () => clearInterval(timer);
  }, [hasRemote, refresh, toast]);
  return (
    <div className="app">
      <header className="topbar">
        <div className="brand" aria-label="Patchdesk">
          <span className="logo" aria-hidden="true" />
          Patchdesk
        </div>
        {overview && <ProjectTitle overview={overview} />}
        <nav className="tabs" aria-label="Screens">
          <button type="button" className="tab" aria-current={tab === "inbox"} onClick={() => setTab("inbox")} data-testid="tab-inbox">
            Inbox{overview ? ` (${overview.inbox.filter((i) => i.status !== "rejected" && i.status !== "promoted").length})` : ""}
          </button>
          <button type="button" className="tab" aria-current={tab === "board"} onClick={() => setTab("board")} data-testid="tab-board">
            Board
          </button>
          <button type="button" className="tab" aria-current={tab === "numbers"} onClick={() => setTab("numbers")} data-testid="tab-numbers">
            Numbers
          </button>
        </nav>
        <div className="topbar-actions">
          <GitHubButton status={github} onClick={() => setGithubOpen(true)} />
          <button type="button" onClick={addFiles}>
            Add files…
          </button>
          <button type="button" className="quiet" onClick={openFolder} title="Open another project folder">
            Open project…
          </button>
          <button type="button" className="quiet" onClick={() => run(backend.openDemoProject)} title="Open the built-in demo project">
            Demo
          </button>
        </div>
      </header>
      {load.state === "loading" && <Loading />}
      {load.state === "failed" && <ErrorPanel error={load.error} onRetry={refresh} />}
      {overview && tab === "inbox" && (
        <main className="workspace inbox-screen">
          <Inbox items={overview.inbox} selected={selected} onSelect={setSelected} checks={checks} onPaste={() => openPaste("")} />
          {selected && overview.inbox.some((i) => i.name === selected) ? (
            <ReviewPane
              key={selected}
              name={selected}
              target={overview.summary.remote?.isPractice ? "the practice remote" : "GitHub"}
              onChanged={refresh}
              toast={toast}
              board={overview.board}
            />
          ) : (
            <section className="panel review-empty">
              <p>
                <strong>Pick an item to review it.</strong>
              </p>
              <p className="muted">You'll see exactly what it changes, with the pod's reasoning beside it.</p>
              <WatchLine watched={watched} onChange={setWatched} toast={toast} />
            </section>
          )}
        </main>
      )}
      {overview && tab === "board" && (
        <main className="workspace board-screen">
          <BoardView board={overview.board} onChanged={refresh} toast={toast} />
        </main>
      )}
      {overview && tab === "numbers" && (
        <main className="workspace numbers-screen">
          <Suspense fallback={<section className="panel skeleton" aria-label="Loading the numbers" />}>
            <MetricsView key={overview.summary.path} pods={overview.board.pods} />
          </Suspense>
        </main>
      )}
      {githubOpen && (
        <GitHubDialog
          onClose={() => setGithubOpen(false)}
          onStatus={setGithub}
          onOpened={(o) => {
            setLoad({ state: "ready", overview: o });
            setGithubOpen(false);
            setSelected(null);
            toast(`Opened ${o.summary.name} from GitHub.`);
          }}
        />
      )}
      {overview && pasting !== null && (
        <PasteDialog
          initialText={pasting}
          tasks={overview.board.tasks}
          onClose={() => setPasting(null)}
          onAdded={(item) => {
            setPasting(null);
            toast(`Added ${item.name} to the inbox.`);
            setTab("inbox");
            setSelected(item.name);
            void refresh();
          }}
        />
      )}
      {dropping && (
        <div className="drop-overlay" data-testid="drop-overlay">
          <div>
            <strong>Drop to add to the inbox</strong>
            <p>Patches (.diff, .patch), ZIP bundles, and the pod's sidecar and logs (.json, .md, .yaml). Drop them together.</p>
          </div>
        </div>
      )}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((t) => (
          <div className="toast" key={t.id} data-testid="toast">
            {t.text}
          </div>
        ))}
      </div>
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
      <section className="panel skeleton" aria-label="Loading the review" />
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

/** Which folder is watched for pod downloads, with the choice to change it or turn it off. */
function WatchLine({ watched, onChange, toast }: { watched: string | null; onChange: (w: string | null) => void; toast: (t: string) => void }) {
  const set = async (on: boolean, folder: string | null) => {
    try {
      onChange(await backend.setDownloadsWatch(on, folder));
    } catch (e) {
      const x = explain(e);
      toast(`${x.title} ${x.detail}`);
    }
  };
  const choose = async () => {
    try {
      const [path] = await backend.choosePaths("watch_folder");
      if (path) await set(true, path);
    } catch (e) {
      const x = explain(e);
      toast(`${x.title} ${x.detail}`);
    }
  };
  return watched ? (
    <p className="muted watch-line" data-testid="watched-folder">
      New pod files in <strong>{watched}</strong> are added here as they arrive.{" "}
      <button type="button" className="link" onClick={() => void choose()}>
        Change folder…
      </button>{" "}
      <button type="button" className="link" onClick={() => void set(false, null)} data-testid="watch-off">
        Stop watching
      </button>
    </p>
  ) : (
    <p className="muted watch-line" data-testid="watch-is-off">
      Patchdesk is not watching a folder for pod downloads.{" "}
      <button type="button" className="link" onClick={() => void set(true, null)} data-testid="watch-on">
        Watch Downloads
      </button>{" "}
      <button type="button" className="link" onClick={() => void choose()}>
        Watch another folder…
      </button>
    </p>
  );
}
