// Small formatting rules shared by the screens. Plain words, no jargon.

/** "2 minutes ago", "yesterday", "18 Nov" — relative to `now`. */
export function whenReceived(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return "";
  const then = new Date(iso);
  if (Number.isNaN(then.getTime())) return "";
  const seconds = Math.round((now.getTime() - then.getTime()) / 1000);
  if (seconds < 0) return then.toLocaleDateString(undefined, { day: "numeric", month: "short" });
  if (seconds < 60) return "just now";
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return minutes === 1 ? "1 minute ago" : `${minutes} minutes ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return hours === 1 ? "1 hour ago" : `${hours} hours ago`;
  const days = Math.floor(hours / 24);
  if (days === 1) return "yesterday";
  if (days < 7) return `${days} days ago`;
  return then.toLocaleDateString(undefined, { day: "numeric", month: "short", year: then.getFullYear() === now.getFullYear() ? undefined : "numeric" });
}

/** "DevPod" → "Dev pod", "QAPod" → "QA pod", "Human" → "Human". */
export function podLabel(key: string | null | undefined): string {
  if (!key) return "No pod";
  const m = /^(.*?)[ _-]?pod$/i.exec(key);
  if (!m || !m[1]) return key;
  return `${m[1]} pod`;
}

const STATUS_WORDS: Record<string, string> = {
  backlog: "Backlog",
  planned: "Planned",
  ready: "Ready",
  in_progress: "In progress",
  review: "In review",
  done: "Done",
  queued: "New",
  reviewed: "Reviewed",
  rejected: "Rejected",
  promoted: "Sent for review",
  merged: "Merged",
};

/** A status as a person would say it. */
export function statusLabel(status: string | null | undefined): string {
  if (!status) return "";
  return STATUS_WORDS[status] ?? status.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
}

/** "1 file", "3 files". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

type Outcome = "clean" | "repaired" | "merged" | "conflict" | "refused";
export type Badge = { text: string; tone: "ok" | "info" | "warn" | "bad" };

/** What the apply engine found, as the badge a lead reads. */
export function outcomeBadge(r: { outcome: Outcome; repairs: unknown[]; problems: { path: string | null; message: string }[] }): Badge {
  return badgeFor(r.outcome, r.repairs.length, new Set(r.problems.map((p) => p.path ?? "")).size, r.problems[0]?.message ?? null);
}

/** The same badge from an inbox check's counts. */
export function checkBadge(c: { outcome: Outcome; repairs: number; problem_files: number; problem: string | null }): Badge {
  return badgeFor(c.outcome, c.repairs, c.problem_files, c.problem);
}

function badgeFor(outcome: Outcome, repairs: number, problemFiles: number, problem: string | null): Badge {
  switch (outcome) {
    case "clean":
      return { text: "Applies cleanly", tone: "ok" };
    case "repaired":
      return { text: `Repaired — ${plural(repairs, "fix", "fixes")}`, tone: "info" };
    case "merged":
      return { text: "Needs a merge — merged cleanly", tone: "warn" };
    case "conflict":
      return { text: `Conflicts in ${plural(problemFiles, "file")}`, tone: "bad" };
    case "refused":
      return { text: `Can't be applied: ${problem ?? "the change does not fit the project"}`, tone: "bad" };
  }
}
