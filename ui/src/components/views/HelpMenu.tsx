// The top bar's Help: where Patchdesk's log files are, which version this is, and a problem
// report for the clipboard (the version, the system and the log's last lines, never a token).
import { useState } from "react";
import { explain } from "../../lib/errors/errors";
import { backend, copyText, type About } from "../../lib/ipc";
import { AboutDialog } from "./AboutDialog";

export function HelpMenu({ toast }: { toast: (text: string) => void }) {
  const [open, setOpen] = useState(false);
  const [about, setAbout] = useState<About | null>(null);
  const said = (e: unknown) => {
    const x = explain(e);
    toast(`${x.title} ${x.detail}`);
  };
  const openLogs = async () => {
    setOpen(false);
    try {
      const folder = await backend.openLogFolder();
      toast(`Patchdesk's log files are in ${folder}. Send them to your developer if something went wrong.`);
    } catch (e) {
      said(e);
    }
  };
  const showAbout = async () => {
    setOpen(false);
    setAbout(await backend.aboutPatchdesk());
  };
  const report = async () => {
    setOpen(false);
    let text: string;
    try {
      text = await backend.problemReport();
    } catch (e) {
      said(e);
      return;
    }
    try {
      await copyText(text);
      toast("A problem report is on your clipboard: the version, your system and the log's last lines (no passwords or tokens). Paste it into your message to your developer.");
    } catch {
      toast("Patchdesk could not use the clipboard. Use Help > Open log folder and send the newest log file instead.");
    }
  };
  return (
    <div className="help-menu">
      <button type="button" className="quiet" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen((o) => !o)} data-testid="help">
        Help
      </button>
      {open && (
        <div role="menu" className="help-items">
          <button type="button" role="menuitem" onClick={() => void openLogs()} data-testid="open-log-folder">
            Open log folder
          </button>
          <button type="button" role="menuitem" onClick={() => void report()} data-testid="report-problem">
            Report a problem
          </button>
          <button type="button" role="menuitem" onClick={() => void showAbout()} data-testid="about">
            About Patchdesk
          </button>
        </div>
      )}
      {about && <AboutDialog about={about} onClose={() => setAbout(null)} />}
    </div>
  );
}
