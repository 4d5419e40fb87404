// The UI's one door to the backend's commands. Commands come from the generated bindings; this
// file only turns their `{status, data | error}` results into values or thrown `UserError`s.
// Every command in the bindings has its line here, with the bindings' arguments and reply (tsc
// checks it: a new command that is missing here fails the build).
import { commands, type About, type Choosing, type ItemCheck, type ReviewsFollowed, type KnownReview, type Metrics, type PromotePreview, type SendChoices, type Account, type GitHubStatus, type RepoSummary, type SignInCode, type FileAsk, type FileDiff, type HandoffSent, type PromoteOutcome, type ImportReport, type InboxItem, type PastePreview, type SeenFile, type InboxStatus, type Overview, type Rejected, type Review, type UserError, type TaskReview, type SentBack, type MergeDone, type MergeMethod, type Withdrawn, type PracticeVerdict, type UndoDone } from "./bindings";

type Result<T> = { status: "ok"; data: T } | { status: "error"; error: UserError };

async function unwrap<T>(call: Promise<Result<T>>): Promise<T> {
  const r = await call;
  if (r.status === "error") throw r.error;
  return r.data;
}

type Commands = typeof commands;
/** A command's name in the bindings (`reviewItem`); on the wire it is snake_case (`review_item`). */
export type Command = keyof Commands;
type Data<R> = R extends { status: "error" } ? never : R extends { status: "ok"; data: infer D } ? D : R;
/** What a command gives back when it succeeds (its refusal is thrown as a `UserError`). */
export type Reply<K extends Command> = Data<Awaited<ReturnType<Commands[K]>>>;
/** A command's arguments, in the order the bindings take them. */
export type Args<K extends Command> = Parameters<Commands[K]>;

export const backend = {
  currentProject: (): Promise<Overview> => unwrap(commands.currentProject()),
  openProject: (path: string): Promise<Overview> => unwrap(commands.openProject(path)),
  openDemoProject: (): Promise<Overview> => unwrap(commands.openDemoProject()),
  importFiles: (paths: string[]): Promise<ImportReport> => unwrap(commands.importFiles(paths)),
  reviewItem: (name: string): Promise<Review> => unwrap(commands.reviewItem(name)),
  /** A window of one file's lines (`ask`: context, a revision's whole change, spaces ignored, which lines). */
  reviewFile: (name: string, path: string, ask: FileAsk): Promise<FileDiff> => unwrap(commands.reviewFile(name, path, ask)),
  rejectItem: (name: string, note: string): Promise<Rejected> => unwrap(commands.rejectItem(name, note)),
  /** Hands the task on, then sends the board's commits (what the send did is in the answer). */
  handOffTask: (task: string, to: string, reason: string, files: string[], relatedPatch: string | null): Promise<HandoffSent> =>
    unwrap(commands.handOffTask(task, to, reason, files, relatedPatch)),
  sendForReview: (name: string, choices: SendChoices): Promise<PromoteOutcome> => unwrap(commands.sendForReview(name, choices)),
  inboxChecks: (): Promise<ItemCheck[]> => unwrap(commands.inboxChecks()),
  projectMetrics: (): Promise<Metrics> => unwrap(commands.projectMetrics()),
  /** The folder watched for pod downloads, or null when the watch is off. */
  watchedFolder: (): Promise<string | null> => commands.watchedFolder(),
  recognisePaste: (text: string): Promise<PastePreview> => unwrap(commands.recognisePaste(text)),
  pasteAnswer: (text: string, task: string | null): Promise<InboxItem> => unwrap(commands.pasteAnswer(text, task)),
  setDownloadsWatch: (on: boolean, folder: string | null): Promise<string | null> => unwrap(commands.setDownloadsWatch(on, folder)),
  seenDownloads: (): Promise<SeenFile[]> => commands.seenDownloads(),
  addSeenDownload: (name: string): Promise<ImportReport> => unwrap(commands.addSeenDownload(name)),
  /** "Check reviews": follows the review requests, then sends the board's commits. */
  followReviews: (): Promise<ReviewsFollowed> => unwrap(commands.followReviews()),
  knownReviews: (): Promise<KnownReview[]> => unwrap(commands.knownReviews()),
  promotePreview: (name: string): Promise<PromotePreview> => unwrap(commands.promotePreview(name)),
  setItemStatus: (name: string, status: InboxStatus): Promise<InboxItem> => unwrap(commands.setItemStatus(name, status)),
  githubStatus: (): Promise<GitHubStatus> => unwrap(commands.githubStatus()),
  githubSettings: (server: string, clientId: string): Promise<null> => unwrap(commands.githubSettings(server, clientId)),
  githubStartSignIn: (): Promise<SignInCode> => unwrap(commands.githubStartSignIn()),
  githubFinishSignIn: (): Promise<Account> => unwrap(commands.githubFinishSignIn()),
  githubCancelSignIn: (): Promise<void> => commands.githubCancelSignIn(),
  githubSignInWithToken: (token: string): Promise<Account> => unwrap(commands.githubSignInWithToken(token)),
  githubSignOut: (): Promise<boolean> => unwrap(commands.githubSignOut()),
  githubRepositories: (filter: string): Promise<RepoSummary[]> => unwrap(commands.githubRepositories(filter)),
  /** Opens the native dialog (from the backend, which remembers the answer); the chosen paths, empty when cancelled. */
  choosePaths: (what: Choosing): Promise<string[]> => unwrap(commands.choosePaths(what)),
  /** Opens one of GitHub's pages (github.com or the server set) in the browser. */
  openGithubPage: (url: string): Promise<null> => unwrap(commands.openGithubPage(url)),
  /** Opens an http(s) link from a pod's text in the browser. */
  openPodLink: (url: string): Promise<null> => unwrap(commands.openPodLink(url)),
  /** Opens the folder with Patchdesk's log files in the file manager; returns where it is. */
  openLogFolder: (): Promise<string> => unwrap(commands.openLogFolder()),
  /** The files Patchdesk was started with ("Open with Patchdesk"), once; they are imported like a drop. */
  openedFiles: (): Promise<string[]> => unwrap(commands.openedFiles()),
  /** The version and the platform, for Help > About Patchdesk. */
  aboutPatchdesk: (): Promise<About> => commands.aboutPatchdesk(),
  /** The version, the platform and the log's last lines without any token, for Help > Report a problem. */
  problemReport: (): Promise<string> => unwrap(commands.problemReport()),
  /** The tab the window showed last (kept in the settings file), or null. */
  windowTab: (): Promise<string | null> => commands.windowTab(),
  rememberTab: (tab: string): Promise<null> => unwrap(commands.rememberTab(tab)),
  /** Tells the app the project's screen was first drawn (it logs the start-up time). */
  projectShown: (tab: string): Promise<void> => commands.projectShown(tab),
  connectGithubRepository: (fullName: string, cloneUrl: string): Promise<Overview> => unwrap(commands.connectGithubRepository(fullName, cloneUrl)),
  /** What reviewers said on a task's request: reviews, comments with file and line, checks, allowed merge methods. */
  taskReview: (task: string): Promise<TaskReview> => unwrap(commands.taskReview(task)),
  /** "Send back to the pod": the revision prompt (for the clipboard), recorded in one commit. */
  sendBackToPod: (task: string): Promise<SentBack> => unwrap(commands.sendBackToPod(task)),
  /** "Merge": method needed when the repository allows several; refused while changes are asked or checks fail. */
  mergeTask: (task: string, method: MergeMethod | null): Promise<MergeDone> => unwrap(commands.mergeTask(task, method)),
  /** "Withdraw": close the request, the task back with its pod, one commit with the reason. */
  withdrawReview: (task: string, reason: string): Promise<Withdrawn> => unwrap(commands.withdrawReview(task, reason)),
  /** The practice reviewer (practice remote only): approve, or ask for changes on a line. */
  practiceReview: (number: number, verdict: PracticeVerdict): Promise<null> => unwrap(commands.practiceReview(number, verdict)),
  /** "Undo merge": opens (or, asked again, finds) the request that takes the merged change out. */
  undoMerge: (task: string): Promise<UndoDone> => unwrap(commands.undoMerge(task)),
} satisfies { [K in Command]: (...args: Args<K>) => Promise<Reply<K>> };
