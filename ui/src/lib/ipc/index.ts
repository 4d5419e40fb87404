// lib/ipc is the only place that talks to Tauri: commands, events, the clipboard and the window.
// Everything else imports from here (types too), never from `@tauri-apps/*`
// (checked by src/architecture.test.ts). Tests use ./mock.
export type * from "./bindings";
export { backend, type Args, type Command, type Reply } from "./commands";
export { listenTo, onEvent, type EventName, type Payload } from "./events";
export { copyText } from "./clipboard";
export { onDragHover } from "./window";
