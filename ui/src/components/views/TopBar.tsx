import type { GitHubStatus, Overview } from "../../lib/ipc";
import { GitHubButton } from "../github/GitHub";
import { HelpMenu } from "./HelpMenu";

import type { Tab } from "../../lib/project/useTab";
export type { Tab };

/** The top bar: the project, the screens, GitHub and the ways to add files or open a project. */
export function TopBar({
  overview,
  tab,
  onTab,
  github,
  onGitHub,
  onAddFiles,
  onOpenFolder,
  onDemo,
  toast,
}: {
  overview: Overview | null;
  tab: Tab;
  onTab: (t: Tab) => void;
  github: GitHubStatus | null;
  onGitHub: () => void;
  onAddFiles: () => void;
  onOpenFolder: () => void;
  onDemo: () => void;
  toast: (text: string) => void;
}) {
  return (
    <header className="topbar">
      <div className="brand" aria-label="Patchdesk">
        <span className="logo" aria-hidden="true" />
        Patchdesk
      </div>
      {overview && <ProjectTitle overview={overview} />}
      <nav className="tabs" aria-label="Screens">
        <button type="button" className="tab" aria-current={tab === "inbox"} onClick={() => onTab("inbox")} data-testid="tab-inbox">
          Inbox{overview ? ` (${overview.inbox.filter((i) => i.status !== "rejected" && i.status !== "promoted").length})` : ""}
        </button>
        <button type="button" className="tab" aria-current={tab === "board"} onClick={() => onTab("board")} data-testid="tab-board">
          Board
        </button>
        <button type="button" className="tab" aria-current={tab === "numbers"} onClick={() => onTab("numbers")} data-testid="tab-numbers">
          Numbers
        </button>
      </nav>
      <div className="topbar-actions">
        <GitHubButton status={github} onClick={onGitHub} />
        <button type="button" onClick={onAddFiles}>
          Add files…
        </button>
        <button type="button" className="quiet" onClick={onOpenFolder} title="Open another project folder">
          Open project…
        </button>
        <button type="button" className="quiet" onClick={onDemo} title="Open the built-in demo project">
          Demo
        </button>
        <HelpMenu toast={toast} />
      </div>
    </header>
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
