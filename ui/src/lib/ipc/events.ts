// What the backend tells the window on its own: downloads arrived, files dropped, a clone's or a
// send's progress. The event names and payloads come from the generated bindings.
import { events } from "./bindings";

type Events = typeof events;
/** An event's name in the bindings (`downloadsArrived`). */
export type EventName = keyof Events;
/** What an event carries. */
export type Payload<K extends EventName> = Parameters<Parameters<Events[K]["listen"]>[0]>[0]["payload"];

/**
 * Calls `handle` with each `name` event's payload until the returned function is called (an
 * effect's cleanup). Outside the app window (unit tests without a mock) nothing arrives.
 */
export function onEvent<K extends EventName>(name: K, handle: (payload: Payload<K>) => void): () => void {
  let stopped = false;
  let unlisten: (() => void) | undefined;
  listenTo(name, (p) => !stopped && handle(p)).then(
    (u) => (stopped ? u() : (unlisten = u)),
    () => undefined,
  );
  return () => {
    stopped = true;
    unlisten?.();
  };
}

/** Starts listening for `name` events; resolves to the function that stops, rejects when the window can't listen. */
export function listenTo<K extends EventName>(name: K, handle: (payload: Payload<K>) => void): Promise<() => void> {
  const event = events[name] as unknown as { listen: (cb: (e: { payload: Payload<K> }) => void) => Promise<() => void> };
  return event.listen((e) => handle(e.payload));
}
