// A file's text, imported with `?raw` (Vite and Vitest read it as a string).
declare module "*?raw" {
  const text: string;
  export default text;
}

// Tests read stylesheets from disk (Vitest hands `.css` imports over empty, `?raw` too); the
// one Node call they use, without pulling Node's types into the UI's own code.
declare module "node:fs" {
  export function readFileSync(path: URL, encoding: "utf8"): string;
}
