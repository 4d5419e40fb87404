// Help > About Patchdesk: the version and the system it runs on.
import type { About } from "../../lib/ipc";

export function AboutDialog({ about, onClose }: { about: About; onClose: () => void }) {
  return (
    <div className="dialog-backdrop">
      <div className="dialog about-dialog" role="dialog" aria-modal="true" aria-labelledby="about-title" data-testid="about-dialog" onKeyDown={(e) => e.key === "Escape" && onClose()}>
        <h2 id="about-title">About Patchdesk</h2>
        <p data-testid="about-version">Version {about.version}</p>
        <p className="muted">Running on {about.platform}.</p>
        <p className="muted">Patchdesk turns what your pods hand you into reviewed GitHub pull requests.</p>
        <div className="form-actions">
          <button type="button" onClick={onClose} autoFocus>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
