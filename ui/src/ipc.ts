// The UI's one door to the backend. Commands come from the generated bindings; this file only
// turns their `{status, data | error}` results into values or thrown `UserError`s.
import { commands, type Overview, type UserError } from "./bindings";

type Result<T> = { status: "ok"; data: T } | { status: "error"; error: UserError };

async function unwrap<T>(call: Promise<Result<T>>): Promise<T> {
  const r = await call;
  if (r.status === "error") throw r.error;
  return r.data;
}

export const backend = {
  currentProject: (): Promise<Overview> => unwrap(commands.currentProject()),
  openProject: (path: string): Promise<Overview> => unwrap(commands.openProject(path)),
  openDemoProject: (): Promise<Overview> => unwrap(commands.openDemoProject()),
};
