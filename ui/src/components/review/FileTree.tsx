import type { Review, ReviewFile } from "../../lib/ipc";
import { byFolder, STATUS_LETTER, STATUS_WORD } from "../../lib/review/files";

/** The change's files by folder; a click shows that file's diff. */
export function FileTree({
  review,
  files = review.files,
  path,
  onPick,
}: {
  review: Review;
  /** The files on show (a revision's whole change, or the change itself). */
  files?: ReviewFile[];
  path: string | null;
  onPick: (path: string) => void;
}) {
  return (
    <nav className="file-tree" aria-label="Files in this change" data-testid="file-tree">
      {byFolder(files).map(([dir, list]) => (
        <div key={dir}>
          {dir && <div className="folder">{dir}/</div>}
          {list.map((f) => (
            <button
              type="button"
              key={f.path}
              className={f.path === path ? "file selected" : "file"}
              onClick={() => onPick(f.path)}
              title={`${f.path}: ${STATUS_WORD[f.status]}`}
              data-testid="tree-file"
              data-path={f.path}
              aria-current={f.path === path}
            >
              <span className={`letter st-${f.status}`} aria-label={STATUS_WORD[f.status]}>
                {STATUS_LETTER[f.status]}
              </span>
              <span className="fname">{f.path.slice(dir ? dir.length + 1 : 0)}</span>
              {review.repairs.some((r) => r.path === f.path) && (
                <span className="repaired-mark" title="Patchdesk repaired this file's part of the patch">
                  fixed
                </span>
              )}
              <span className="counts">
                <span className="plus">+{f.added}</span> <span className="minus">−{f.removed}</span>
              </span>
            </button>
          ))}
        </div>
      ))}
      {files.length === 0 && <p className="muted">No file changes to show.</p>}
    </nav>
  );
}
