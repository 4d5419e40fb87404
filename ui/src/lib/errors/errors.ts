// The one table that turns an error code from the backend into plain words and a next step.
// `Record<Code, …>` makes TypeScript refuse to build when a code has no entry.
import type { Code, UserError } from "../ipc";

export interface Explained {
  /** What happened, in one plain sentence. */
  title: string;
  /** What the user can do now. */
  next: string;
  /** The specific detail from the backend (which file, which line). */
  detail: string;
  code: Code;
}

export const ERROR_TEXT: Record<Code, { title: string; next: string }> = {
  repo_not_found: {
    title: "That folder isn't a project Patchdesk can open.",
    next: "Choose the folder of a git repository, or open the demo project to look around.",
  },
  revision_not_found: {
    title: "The branch or version this change was made for isn't in the project.",
    next: "Fetch the latest changes, or ask the pod which version it worked from.",
  },
  io: {
    title: "A file couldn't be read or saved.",
    next: "Check that the disk isn't full and that you can write to the project folder, then try again.",
  },
  git: {
    title: "git reported an unexpected problem.",
    next: "Try again. If it keeps happening, copy the details below and send them to your developer.",
  },
  repo_busy: {
    title: "The project can't take a new commit right now.",
    next: "Finish or cancel the merge or rebase in progress, switch back to a branch, or commit the files you changed yourself, then try again.",
  },
  no_remote: {
    title: "This project has nowhere to send changes to.",
    next: "Connect the project to its GitHub repository (or open the demo's practice remote), then try again.",
  },
  patch_unreadable: {
    title: "Patchdesk doesn't recognise this file as a change from a pod.",
    next: "Drop the .diff, .patch or .zip the pod gave you. If it came as chat text, save it as a .diff file first.",
  },
  input_too_large: {
    title: "This file is larger than Patchdesk accepts.",
    next: "Ask the pod to split the change into smaller parts, or raise the limit in Settings.",
  },
  unsafe_path: {
    title: "The change tries to write outside the project or into a protected place.",
    next: "Nothing was changed. Ask the pod to redo the change with normal paths inside the project.",
  },
  empty_input: {
    title: "The file is empty.",
    next: "Download the file from the pod again; the download may have been cut short.",
  },
  patch_does_not_apply: {
    title: "The change doesn't fit the project as it is now.",
    next: "Ask the pod to redo the change against the latest version of the files named below.",
  },
  merge_conflict: {
    title: "The change clashes with edits made since the pod started.",
    next: "Look at the clashing lines below, then send the task back to the pod with the latest files.",
  },
  already_imported: {
    title: "This exact file is already in your inbox.",
    next: "Nothing was added twice. Open the existing item instead.",
  },
  item_not_found: {
    title: "That item isn't in the inbox any more.",
    next: "Refresh the inbox; it may have been sent for review or removed in another window.",
  },
  risks_not_confirmed: {
    title: "This change touches files that need your OK before it is sent.",
    next: "Look at the files listed on the review screen and tick \u201cI understand\u201d, or send the change back and ask the pod to leave them out.",
  },
  file_changed: {
    title: "The pod worked on an old copy of a file.",
    next: "Send the pod the file as it is now (its current version is named below) and ask it to redo its change on that.",
  },
  task_file_invalid: {
    title: "A task file couldn't be read.",
    next: "Open the file named below and fix the line it points to; Patchdesk won't change that file until then.",
  },
  task_not_found: {
    title: "That task isn't on the board.",
    next: "Refresh the board; the task may have been renamed or removed.",
  },
  pod_not_found: {
    title: "That pod isn't set up for this project.",
    next: "Pick one of the pods on the board, or add the pod in the project's pod settings.",
  },
  already_done: {
    title: "That is already done.",
    next: "Nothing was changed. Refresh the board to see where things stand now.",
  },
  agent_failed: {
    title: "The agent run on the task did not finish.",
    next: "Nothing was imported. Read what the agent said, fix its command or the task, then run it again.",
  },
  keyring_unavailable: {
    title: "There is no safe place on this computer to keep your GitHub sign-in.",
    next: "Install and start a keyring (GNOME Keyring or KWallet), then sign in again. Patchdesk never stores it in a plain file.",
  },
  auth_rejected: {
    title: "GitHub didn't accept your sign-in.",
    next: "Sign in again. Your access may have been revoked or may have expired.",
  },
  rate_limited: {
    title: "GitHub asked Patchdesk to slow down.",
    next: "Wait a little and try again; the details say when GitHub allows more requests.",
  },
  permission_denied: {
    title: "Your GitHub account isn't allowed to do this in that repository.",
    next: "Ask the repository's owner for write access, or choose another repository.",
  },
  offline: {
    title: "Patchdesk can't reach the network.",
    next: "Check your connection. Your work is kept and can be sent later.",
  },
  remote_repo_not_found: {
    title: "The repository on GitHub can't be found.",
    next: "Check the repository's name, and that your account can see it. It may have been renamed or made private.",
  },
  no_changes: {
    title: "There is nothing new to review: the change is already in the main branch.",
    next: "Nothing was sent. Check whether this change was already merged.",
  },
  review_exists: {
    title: "A review request for this change is already open.",
    next: "Open the existing review request instead of making a new one.",
  },
  request_invalid: {
    title: "GitHub didn't accept one of the details of the request.",
    next: "Check the labels and reviewers in the details below, fix them, and send again.",
  },
  push_rejected: {
    title: "GitHub refused the new branch.",
    next: "The branch may be protected or have changed meanwhile. Send again; if it keeps happening, ask the repository's owner.",
  },
  sign_in_denied: {
    title: "The sign-in was refused on GitHub's page.",
    next: "Start the sign-in again and choose Authorize on GitHub's page.",
  },
  sign_in_expired: {
    title: "The sign-in code ran out of time.",
    next: "Start the sign-in again; you have about 15 minutes to enter the new code.",
  },
  remote_not_signed_in_host: {
    title: "This project's remote isn't on the GitHub you signed in to, so Patchdesk didn't send your sign-in there.",
    next: "Point the project's remote at your GitHub repository (an https:// address), or sign in to the server it is on.",
  },
  not_signed_in: {
    title: "You aren't signed in to GitHub in Patchdesk.",
    next: "Sign in with the GitHub button at the top, then try again. Nothing was sent.",
  },
  not_merged: {
    title: "That review request isn't merged, so there is nothing to undo.",
    next: "Withdraw it instead if it is still open, or wait until it is merged.",
  },
  undo_does_not_apply: {
    title: "The merged change can't be undone on its own any more: later changes touched the same lines.",
    next: "Nothing was sent. Ask a pod for a patch that takes the change out by hand.",
  },
  path_not_chosen: {
    title: "Patchdesk didn't open that file.",
    next: "Drop the file on the window, or use Add files… or Open project… to choose it.",
  },
  link_refused: {
    title: "Patchdesk did not open that link.",
    next: "If you trust the address, copy it into your web browser yourself.",
  },
  input_invalid: {
    title: "Patchdesk can't use what was entered.",
    next: "Check the value named below, correct it, and try again. Nothing was sent or saved.",
  },
  settings_invalid: {
    title: "Patchdesk's settings file is damaged.",
    next: "Open the settings file named below and fix it, or remove it to start with default settings.",
  },
  not_opened: {
    title: "Patchdesk couldn't start the program that opens this.",
    next: "Copy the address or folder named below and open it yourself.",
  },
  token_invalid: {
    title: "A pod tried to use Patchdesk without a valid token.",
    next: "Give the pod a token made with “patchdesk token add”, or ignore this if you revoked it on purpose.",
  },
  internal: {
    title: "Something went wrong inside Patchdesk.",
    next: "Try again. If it keeps happening, copy the details below and send them to your developer.",
  },
};

function isUserError(e: unknown): e is UserError {
  return typeof e === "object" && e !== null && "code" in e && "message" in e && typeof (e as UserError).code === "string";
}

/** Turns anything thrown by a command into plain words. Unknown shapes become `internal`. */
export function explain(e: unknown): Explained {
  if (isUserError(e) && e.code in ERROR_TEXT) {
    return { ...ERROR_TEXT[e.code], detail: e.message, code: e.code };
  }
  const detail = e instanceof Error ? e.message : typeof e === "string" ? e : JSON.stringify(e);
  return { ...ERROR_TEXT.internal, detail, code: "internal" };
}
