// Adding pod files to the inbox: from a drop, the "Add files…" dialog or the Downloads watch.
import { useCallback, useEffect, useState } from "react";
import { backend, onDragHover, onEvent, type Choosing, type ImportReport } from "../ipc";
import { explain } from "../errors/errors";
import { plural } from "../format/format";

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

/** What the window does around an import: say it, show the fresh project, open the first new item. */
export type Imported = { toast: (text: string) => void; refresh: () => Promise<void>; show: (name: string) => void };

/**
 * Importing files: `importPaths` for dropped or chosen paths, `choose` for the native dialog
 * (a refusal becomes a toast), `dropping` while files are dragged over the window. Files dropped
 * on the window and pod downloads from the watched folder are imported as they arrive.
 */
export function useImports({ toast, refresh, show }: Imported) {
  const [dropping, setDropping] = useState(false);
  const importPaths = useCallback(
    async (paths: string[]) => {
      if (paths.length === 0) return;
      try {
        const report = await backend.importFiles(paths);
        toast(importSummary(report));
        await refresh();
        if (report.imported[0]) show(report.imported[0].name);
      } catch (e) {
        const x = explain(e);
        toast(`${x.title} ${x.detail}`);
      }
    },
    [refresh, toast, show],
  );

  // Pod downloads picked up from the Downloads folder by the backend's watch.
  useEffect(
    () =>
      onEvent("downloadsArrived", async ({ report, error, files }) => {
        if (error) {
          const x = explain(error);
          toast(`Could not add ${files.join(", ")} from Downloads: ${x.title} ${x.detail}`);
          return;
        }
        if (!report) return;
        toast(`From Downloads: ${importSummary(report)}`);
        await refresh();
        if (report.imported[0]) show(report.imported[0].name);
      }),
    [refresh, toast, show],
  );

  // Files dragged from the file manager: the backend remembers what the system handed over
  // and then tells the window (`FilesDropped`); the webview's own drop event only lights the
  // drop zone.
  useEffect(() => onDragHover(setDropping), []);
  useEffect(() => onEvent("filesDropped", ({ paths }) => void importPaths(paths)), [importPaths]);
  // Files Patchdesk was started with ("Open with Patchdesk"); a later launch sends `filesDropped`.
  useEffect(() => {
    backend.openedFiles().then((paths) => void importPaths(paths), () => undefined);
  }, [importPaths]);

  const choose = useCallback(
    async (what: Choosing): Promise<string[]> => {
      try {
        return await backend.choosePaths(what);
      } catch (e) {
        const x = explain(e);
        toast(`${x.title} ${x.detail}`);
        return [];
      }
    },
    [toast],
  );
  return { dropping, importPaths, choose };
}
