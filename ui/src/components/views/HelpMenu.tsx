// The top bar's Help: where Patchdesk's log files are, for sending when something went wrong.
import { useState } from "react";
import { explain } from "../../lib/errors/errors";
import { backend } from "../../lib/ipc";

export function HelpMenu({ toast }: { toast: (text: string) => void }) {
  const [open, setOpen] = useState(false);
  const openLogs = async () => {
    setOpen(false);
    try {
      const folder = await backend.openLogFolder();
      toast(`Patchdesk's log files are in ${folder}. Send them to your developer if something went wrong.`);
    } catch (e) {
      const x = explain(e);
      toast(`${x.title} ${x.detail}`);
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
        </div>
      )}
    </div>
  );
}
