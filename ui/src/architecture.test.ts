// The UI's house rules, checked over the source files themselves:
// - only lib/ipc talks to Tauri (`@tauri-apps/*`), so every other file can be tested without it;
// - no import cycles (a cycle makes the load order matter and the layers meaningless);
// - logic (lib) never imports components, and only tests import the stand-in backend;
// - no component file over 150 lines: workflow logic lives in lib/<domain> hooks;
// - the stylesheets name one generic font family at a time (a list costs the start, styles.css).
/// <reference types="vite/client" />
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const MAX_COMPONENT_LINES = 150;

/** The text of every stylesheet in ui/src, by its path inside ui/src (read from disk: the test
 * runner hands stylesheets to imports as empty). */
const STYLES: Record<string, string> = Object.fromEntries(
  Object.keys(import.meta.glob("./**/*.css")).map((p) => [p.slice(2), readFileSync(new URL(p, import.meta.url), "utf8")]),
);

/** The `font-family` values of `css` that are not one generic family. */
export function fontLists(css: string): string[] {
  const generic = new Set(["serif", "sans-serif", "monospace", "inherit"]);
  return [...css.replace(/\/\*[\s\S]*?\*\//g, "").matchAll(/font-family\s*:\s*([^;}]+)/g)].map((m) => m[1].trim()).filter((v) => !generic.has(v));
}

/** The text of every .ts/.tsx file in ui/src, by its path inside ui/src ("lib/ipc/commands.ts"). */
const TEXT: Record<string, string> = Object.fromEntries(
  Object.entries(import.meta.glob<string>("./**/*.{ts,tsx}", { query: "?raw", import: "default", eager: true })).map(([p, t]) => [p.slice(2), t]),
);

function sources(): string[] {
  return Object.keys(TEXT).sort();
}

/** "a/b/../c/./d" as "a/c/d". */
function normalize(path: string): string {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "..") out.pop();
    else if (part !== "." && part !== "") out.push(part);
  }
  return out.join("/");
}

/** The module names a file imports or re-exports (static and dynamic), comments left out. */
export function importsOf(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
  const found: string[] = [];
  const patterns = [
    /\bimport\s+(?:type\s+)?[\w*{}\s,$]*?\s*from\s*["']([^"']+)["']/g,
    /\bexport\s+(?:type\s+)?[\w*{}\s,$]*?\s*from\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const p of patterns) for (const m of code.matchAll(p)) found.push(m[1]);
  return found;
}

/** The source file a relative import points at, or null for packages and non-code files. */
function target(from: string, spec: string, files: Set<string>): string | null {
  if (!spec.startsWith(".")) return null;
  const base = normalize(`${from.slice(0, from.lastIndexOf("/") + 1)}${spec}`);
  for (const c of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`, `${base}/index.tsx`]) if (files.has(c)) return c;
  return null;
}

function graph(): Map<string, string[]> {
  const files = sources();
  const known = new Set(files);
  return new Map(
    files.map((f) => [f, importsOf(TEXT[f]).map((s) => target(f, s, known)).filter((t): t is string => t !== null)]),
  );
}

/** Each import cycle once, as the files around it ("a.ts → b.ts → a.ts"). */
export function cycles(edges: Map<string, string[]>): string[] {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const out: string[] = [];
  const visit = (f: string) => {
    state.set(f, "open");
    stack.push(f);
    for (const t of edges.get(f) ?? []) {
      if (state.get(t) === "open") out.push([...stack.slice(stack.indexOf(t)), t].join(" → "));
      else if (!state.has(t)) visit(t);
    }
    stack.pop();
    state.set(f, "done");
  };
  for (const f of [...edges.keys()].sort()) if (!state.has(f)) visit(f);
  return out;
}

describe("the UI's house rules", () => {
  it("imports @tauri-apps/* only inside lib/ipc", () => {
    const offenders = sources()
      .filter((f) => !f.startsWith("lib/ipc/"))
      .flatMap((f) => importsOf(TEXT[f]).filter((s) => s.startsWith("@tauri-apps/")).map((s) => `${f} imports ${s}`));
    expect(offenders).toEqual([]);
  });

  it("has no import cycles", () => {
    expect(cycles(graph())).toEqual([]);
  });

  it("keeps logic apart from components: nothing in lib/ imports from components/", () => {
    const offenders = [...graph()].filter(([f]) => f.startsWith("lib/")).flatMap(([f, to]) => to.filter((t) => t.startsWith("components/")).map((t) => `${f} imports ${t}`));
    expect(offenders).toEqual([]);
  });

  it("lets only tests use the stand-in backend (lib/ipc/mock)", () => {
    const offenders = [...graph()].filter(([f]) => !/\.test\.tsx?$/.test(f) && f !== "lib/ipc/mock.ts").flatMap(([f, to]) => to.filter((t) => t === "lib/ipc/mock.ts").map(() => f));
    expect(offenders).toEqual([]);
  });

  it(`keeps every component file within ${MAX_COMPONENT_LINES} lines`, () => {
    const long = sources()
      .filter((f) => f.endsWith(".tsx") && !f.endsWith(".test.tsx"))
      .map((f) => [f, TEXT[f].trimEnd().split("\n").length] as const)
      .filter(([, n]) => n > MAX_COMPONENT_LINES)
      .map(([f, n]) => `${f}: ${n} lines`);
    expect(long).toEqual([]);
  });

  it("names one generic font family at a time in every stylesheet", () => {
    expect(Object.keys(STYLES)).toContain("styles.css");
    const lists = Object.entries(STYLES).flatMap(([f, css]) => fontLists(css).map((v) => `${f}: ${v}`));
    expect(lists).toEqual([]);
    expect(fontLists('a { font-family: system-ui, "Cantarell", sans-serif; } b { font-family: monospace }')).toEqual(['system-ui, "Cantarell", sans-serif']);
  });

  it("sees imports of every form, and a cycle of any length", () => {
    const text = [
      'import { a } from "./a";',
      'import type { B } from "../b";',
      "import './styles.css';",
      'export { c } from "./c";',
      'const M = lazy(() => import("./m"));',
      '// import { x } from "./commented";',
      "import {\n  y,\n  z,\n} from '@tauri-apps/api/core';",
    ].join("\n");
    expect(importsOf(text).sort()).toEqual(["../b", "./a", "./c", "./m", "./styles.css", "@tauri-apps/api/core"]);
    const ring = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", ["a.ts"]],
      ["d.ts", ["a.ts"]],
    ]);
    expect(cycles(ring)).toEqual(["a.ts → b.ts → c.ts → a.ts"]);
    expect(cycles(new Map([["a.ts", ["b.ts"]], ["b.ts", []]]))).toEqual([]);
  });
});
