/** Which folder is watched for pod downloads, with the choice to change it or turn it off. */
export function WatchLine({ watched, set, choose }: { watched: string | null; set: (on: boolean, folder: string | null) => Promise<void>; choose: () => Promise<void> }) {
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
