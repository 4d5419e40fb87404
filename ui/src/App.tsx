import { lazy, Suspense, useCallback, useEffect, useState } from "react";
import { backend, onEvent, type GitHubStatus } from "./lib/ipc";
import { followSummary } from "./lib/board/board";
import { boardWords } from "./lib/board/boardSync";
import { useImports } from "./lib/inbox/imports";
import { useDownloadsWatch } from "./lib/inbox/useDownloadsWatch";
import { useInboxChecks } from "./lib/inbox/useInboxChecks";
import { useInboxLive } from "./lib/inbox/live";
import { useProject } from "./lib/project/useProject";
import { useTab } from "./lib/project/useTab";
import { useFirstShown } from "./lib/project/useFirstShown";
import { useToasts } from "./lib/project/useToasts";
import { BoardView } from "./components/board/BoardView";
import { GitHubDialog } from "./components/github/GitHub";
import { ErrorPanel } from "./components/shared/ErrorPanel";
import { Toasts } from "./components/shared/Toasts";
import { DropOverlay, InboxScreen, Loading } from "./components/views/InboxScreen";
import { TopBar } from "./components/views/TopBar";
import { PasteDialog } from "./components/inbox/PasteDialog";
import { usePasteShortcut } from "./lib/inbox/paste";

// The charts library is large; load the Numbers screen only when it is first opened.
const MetricsView = lazy(() => import("./components/metrics/Metrics").then((m) => ({ default: m.MetricsView })));

export function App() {
  const { load, overview, run, refresh, opened } = useProject();
  const [tab, setTab] = useTab();
  useFirstShown(overview !== null, tab);
  const [selected, setSelected] = useState<string | null>(null);
  const { toasts, toast } = useToasts();
  const [github, setGithub] = useState<GitHubStatus | null>(null);
  const [githubOpen, setGithubOpen] = useState(false);
  const show = useCallback((name: string) => {
    setTab("inbox");
    setSelected(name);
  }, []);
  const { dropping, importPaths, choose } = useImports({ toast, refresh, show });
  const downloads = useDownloadsWatch(toast);
  const { checks, checking } = useInboxChecks(overview);
  // Items the pod API, `patchdesk watch`, the CLI or the Action add while the window is open.
  useInboxLive(overview, opened, toast);

  // Who is signed in to GitHub (the keyring and GitHub are asked once at start).
  useEffect(() => {
    backend.githubStatus().then(setGithub, () => setGithub(null));
  }, []);

  const openFolder = async () => {
    const [path] = await choose("project_folder");
    if (path) await run(() => backend.openProject(path));
  };
  const addFiles = async () => importPaths(await choose("pod_files"));
  // "Paste from chat": the button, or Ctrl+V on the window (the text it brings, if any).
  const [pasting, setPasting] = useState<string | null>(null);
  const openPaste = useCallback((text: string) => setPasting((open) => open ?? text), []);
  usePasteShortcut(overview !== null, openPaste);

  // The backend follows the review requests Patchdesk opened every minute while a project
  // with a remote is open, and sends the board's commits (handoffs, follow-up, anything made
  // while offline). News arrives as a toast and a fresh board; offline or signed out says
  // nothing here (the board's "Check reviews" says why).
  useEffect(
    () =>
      onEvent("reviewsFollowed", ({ report, board }) => {
        const news = followSummary(report);
        if (news) {
          toast(news);
          void refresh();
        }
        const words = boardWords(board, true);
        if (words) toast(words);
      }),
    [refresh, toast],
  );
  return (
    <div className="app">
      <TopBar
        overview={overview}
        tab={tab}
        onTab={setTab}
        github={github}
        onGitHub={() => setGithubOpen(true)}
        onAddFiles={addFiles}
        onOpenFolder={openFolder}
        onDemo={() => run(backend.openDemoProject)}
        toast={toast}
      />
      {load.state === "loading" && <Loading />}
      {load.state === "failed" && <ErrorPanel error={load.error} onRetry={refresh} />}
      {overview && tab === "inbox" && (
        <InboxScreen overview={overview} selected={selected} onSelect={setSelected} checks={checks} checking={checking} onChanged={refresh} toast={toast} downloads={downloads} onPaste={() => openPaste("")} />
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
            opened(o);
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
      {dropping && <DropOverlay />}
      <Toasts toasts={toasts} />
    </div>
  );
}
