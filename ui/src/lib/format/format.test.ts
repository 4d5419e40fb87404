import { describe, expect, it } from "vitest";
import { plural, podLabel, statusLabel, whenReceived } from "./format";

describe("formatting", () => {
  const now = new Date("2026-11-20T12:00:00Z");

  it("says when something arrived in plain words", () => {
    expect(whenReceived("2026-11-20T11:59:30Z", now)).toBe("just now");
    expect(whenReceived("2026-11-20T11:59:00Z", now)).toBe("1 minute ago");
    expect(whenReceived("2026-11-20T11:15:00Z", now)).toBe("45 minutes ago");
    expect(whenReceived("2026-11-20T09:00:00Z", now)).toBe("3 hours ago");
    expect(whenReceived("2026-11-19T09:00:00Z", now)).toBe("yesterday");
    expect(whenReceived("2026-11-16T09:00:00Z", now)).toBe("4 days ago");
    expect(whenReceived("2026-10-01T09:00:00Z", now)).toMatch(/Oct|10/);
    expect(whenReceived(null, now)).toBe("");
    expect(whenReceived("not a date", now)).toBe("");
  });

  it("names pods the way people say them", () => {
    expect(podLabel("DevPod")).toBe("Dev pod");
    expect(podLabel("QAPod")).toBe("QA pod");
    expect(podLabel("qa_pod")).toBe("qa pod");
    expect(podLabel("Human")).toBe("Human");
    expect(podLabel(null)).toBe("No pod");
  });

  it("turns statuses into words", () => {
    expect(statusLabel("in_progress")).toBe("In progress");
    expect(statusLabel("promoted")).toBe("Sent for review");
    expect(statusLabel("something_new")).toBe("Something new");
  });

  it("counts with the right plural", () => {
    expect(plural(1, "file")).toBe("1 file");
    expect(plural(3, "file")).toBe("3 files");
    expect(plural(2, "repair", "repairs")).toBe("2 repairs");
  });
});
