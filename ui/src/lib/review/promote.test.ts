import { describe, expect, it } from "vitest";
import { sendChoices, splitList } from "./promote";

const defaults = { title: "[F2.2] Stage guidance", labels: ["pod:dev"], reviewers: [], draft: false, base: null, branch: "chatgpt/dev/f2.2" };
const form = { base: "", draft: false, title: "[F2.2] Stage guidance", body: "", labels: "pod:dev", reviewers: "", branch: "chatgpt/dev/f2.2" };

describe("splitList", () => {
  it("splits on commas and lines, drops blanks and repeats", () => {
    expect(splitList(" a, b,,\nc , a ")).toEqual(["a", "b", "c"]);
    expect(splitList("   ")).toEqual([]);
  });
});

describe("sendChoices", () => {
  it("sends nothing but the defaults' absence when nothing was changed", () => {
    expect(sendChoices(form, defaults)).toEqual({ base: null, draft: false, branch: null, title: null, body: null, labels: null, reviewers: null, confirmed_risks: [] });
  });
  it("sends what the lead changed", () => {
    const c = sendChoices({ ...form, branch: " review/guidance ", base: " release ", title: " Better title ", body: "Look here.", labels: "pod:dev, urgent", reviewers: "@lead, qa-bot", draft: true }, defaults);
    expect(c).toEqual({ base: "release", draft: true, branch: "review/guidance", title: "Better title", body: "Look here.", labels: ["pod:dev", "urgent"], reviewers: ["lead", "qa-bot"], confirmed_risks: [] });
  });
  it("an emptied label list means no labels, not the defaults", () => {
    expect(sendChoices({ ...form, labels: "" }, defaults).labels).toEqual([]);
  });
});
