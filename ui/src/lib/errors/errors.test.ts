import { describe, expect, it } from "vitest";
import { ERROR_TEXT, explain } from "./errors";
import bindings from "../ipc/bindings.ts?raw";

/** The codes as generated from Rust into bindings.ts (`export type Code = "a" | "b" …`). */
function generatedCodes(): string[] {
  const union = bindings.split("export type Code =")[1]?.split(/\n\s*export /)[0] ?? "";
  const withoutDocs = union.replace(/\/\*\*[\s\S]*?\*\//g, "");
  return [...withoutDocs.matchAll(/"([a-z_]+)"/g)].map((m) => m[1]);
}

describe("error table", () => {
  it("has a sentence and a next step for every code, in plain words", () => {
    for (const [code, text] of Object.entries(ERROR_TEXT)) {
      expect(text.title.length, code).toBeGreaterThan(10);
      expect(text.next.length, code).toBeGreaterThan(10);
      // no jargon a lead would not know
      for (const word of ["refs", "stderr", "errno", "panic", "unwrap", "null"]) {
        expect(`${text.title} ${text.next}`.toLowerCase(), `${code} says "${word}"`).not.toContain(word);
      }
    }
  });

  it("has an entry for exactly the codes generated from Rust", () => {
    const codes = generatedCodes();
    expect(codes.length).toBeGreaterThan(30);
    expect(Object.keys(ERROR_TEXT).sort()).toEqual([...codes].sort());
  });

  it("explains a backend error by its code and keeps the detail", () => {
    const e = explain({ code: "merge_conflict", message: "src/app.rs, hunk 2: both sides changed line 14" });
    expect(e.code).toBe("merge_conflict");
    expect(e.title).toBe(ERROR_TEXT.merge_conflict.title);
    expect(e.detail).toContain("hunk 2");
  });

  it("treats unknown shapes and unknown codes as internal, never as a blank screen", () => {
    expect(explain(new Error("boom")).code).toBe("internal");
    expect(explain(new Error("boom")).detail).toBe("boom");
    expect(explain("plain string").detail).toBe("plain string");
    expect(explain({ code: "no_such_code", message: "x" }).code).toBe("internal");
    expect(explain(undefined).title).toBe(ERROR_TEXT.internal.title);
  });
});
