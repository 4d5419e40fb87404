import { useEffect, useState } from "react";
import { backend } from "../ipc";
import { explain } from "../errors/errors";

/**
 * Which folder the backend watches for pod downloads (null: none), read at start, and how to
 * change it: `set(on, folder)` (null folder: Downloads) and `choose()` (the native dialog).
 * A refusal becomes a toast.
 */
export function useDownloadsWatch(toast: (text: string) => void) {
  const [watched, setWatched] = useState<string | null>(null);
  useEffect(() => {
    backend.watchedFolder().then(setWatched, () => setWatched(null));
  }, []);
  const set = async (on: boolean, folder: string | null) => {
    try {
      setWatched(await backend.setDownloadsWatch(on, folder));
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
  return { watched, set, choose };
}
