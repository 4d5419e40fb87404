import { afterEach, describe, expect, it, vi } from "vitest";
import { onEvent } from "./events";
import { emit, mockBackend, resetBackend } from "./mock";

afterEach(() => resetBackend());

describe("onEvent", () => {
  it("hands each payload on until stopped", async () => {
    mockBackend();
    const seen = vi.fn();
    const stop = onEvent("filesDropped", (p) => seen(p.paths));
    await vi.waitFor(async () => {
      await emit("filesDropped", { paths: ["/tmp/a.diff"] });
      expect(seen).toHaveBeenCalled();
    });
    seen.mockClear();
    stop();
    await emit("filesDropped", { paths: ["/tmp/b.diff"] });
    expect(seen).not.toHaveBeenCalled();
  });

  it("stays quiet when stopped before the window finished listening (an effect cleaned up at once)", async () => {
    mockBackend();
    const seen = vi.fn();
    onEvent("filesDropped", seen)();
    const control = vi.fn();
    onEvent("filesDropped", control);
    await vi.waitFor(async () => {
      await emit("filesDropped", { paths: ["/tmp/a.diff"] });
      expect(control).toHaveBeenCalled();
    });
    expect(seen).not.toHaveBeenCalled();
  });
});
