// One typed stand-in for the backend in unit tests. Replies are typed from the bindings: a test
// says `mockBackend({ reviewItem: (name) => review })` and tsc checks that `review` is a `Review`.
// A command without a reply is refused as unexpected; events can be sent with `emit`.
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { events, type Code, type UserError } from "./bindings";
import type { Args, Command, Reply } from "./commands";
import type { EventName, Payload } from "./events";

/** How the mock answers each command: its arguments in the bindings' order, its reply typed. */
export type Replies = { [K in Command]?: (...args: Args<K>) => Reply<K> | Promise<Reply<K>> };

/** One command the UI sent, with its arguments in the bindings' order. */
export type Call = { [K in Command]: { command: K; args: Args<K> } }[Command];

export type MockBackend = {
  /** Every command the UI sent, in order (events and plugins not included). */
  calls: Call[];
  /** Every text put on the clipboard. */
  clipboard: string[];
  /** The arguments of each call of one command. */
  argsOf<K extends Command>(command: K): Args<K>[];
};

/** `reviewItem` → `review_item`, the name the command has on the wire. */
function wireName(command: string): string {
  return command.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** A refusal as the backend sends it, to throw from a reply. */
export function refusal(code: Code, message: string): UserError {
  return { code, message };
}

/**
 * Answers the UI's commands with `replies` until `resetBackend()`. The arguments arrive named
 * (`{ name, path }`, in the order the bindings list them) and are handed on in that order.
 */
export function mockBackend(replies: Replies = {}): MockBackend {
  const byWire = new Map<string, [Command, (...args: unknown[]) => unknown]>(
    Object.entries(replies).map(([command, reply]) => [wireName(command), [command as Command, reply as (...args: unknown[]) => unknown]]),
  );
  const mock: MockBackend = {
    calls: [],
    clipboard: [],
    argsOf: <K extends Command>(command: K) => mock.calls.filter((c) => c.command === command).map((c) => c.args as Args<K>),
  };
  mockIPC(
    (cmd, payload) => {
      if (cmd === "plugin:clipboard-manager|write_text") {
        mock.clipboard.push(String((payload as { text?: unknown } | undefined)?.text));
        return null;
      }
      const known = byWire.get(cmd);
      if (!known) throw new Error(`unexpected command ${cmd}`);
      const [command, reply] = known;
      const args = Object.values((payload ?? {}) as Record<string, unknown>);
      mock.calls.push({ command, args } as Call);
      return reply(...args);
    },
    { shouldMockEvents: true },
  );
  return mock;
}

/** Sends an event to the window as the backend would. */
export async function emit<K extends EventName>(name: K, payload: Payload<K>): Promise<void> {
  await (events[name] as unknown as { emit: (p: Payload<K>) => Promise<void> }).emit(payload);
}

/** Forgets the mock (call after each test). */
export function resetBackend(): void {
  clearMocks();
}
