import { describe, expect, it } from "vitest";
import { cloneWords, filterRepositories } from "./github";
import type { RepoSummary } from "../ipc";

const repo = (full_name: string, description: string | null = null): RepoSummary => ({
  full_name,
  description,
  default_branch: "main",
  private: false,
  clone_url: `https://github.com/${full_name}.git`,
});

describe("filterRepositories", () => {
  const all = [repo("octo/hello", "A greeting"), repo("octo/patchdesk-demo"), repo("acme/Website", "The company site")];
  it("keeps everything for an empty query", () => {
    expect(filterRepositories(all, "  ")).toHaveLength(3);
  });
  it("matches every word in name or description, any case", () => {
    expect(filterRepositories(all, "OCTO").map((r) => r.full_name)).toEqual(["octo/hello", "octo/patchdesk-demo"]);
    expect(filterRepositories(all, "company website").map((r) => r.full_name)).toEqual(["acme/Website"]);
    expect(filterRepositories(all, "octo site")).toEqual([]);
  });
});

describe("cloneWords", () => {
  it("says starting until the size is known", () => {
    expect(cloneWords(null)).toEqual({ text: "starting", percent: null });
    expect(cloneWords({ received: 0, total: 0, bytes: 0, indexed: 0 }).percent).toBeNull();
  });
  it("counts receiving as the first half and writing as the second", () => {
    const r = cloneWords({ received: 50, total: 100, bytes: 3 * 1024 * 1024, indexed: 0 });
    expect(r.percent).toBe(25);
    expect(r.text).toBe("3.0 MB received (25%)");
    expect(cloneWords({ received: 100, total: 100, bytes: 10, indexed: 50 })).toEqual({ text: "setting up the files (75%)", percent: 75 });
    expect(cloneWords({ received: 100, total: 100, bytes: 10, indexed: 100 })).toEqual({ text: "done", percent: 100 });
  });
});
