import { describe, expect, it } from "vitest";
import type { MergeDone, Withdrawn } from "../ipc";
import { undoneWords, withdrawnWords } from "./loopCalls";

const followed = (number: number, change: string, summary: string) => ({ number, change, summary });

describe("what merging or withdrawing an undo's request did", () => {
  it("says the task is back in progress when the merged request was an undo, and nothing otherwise", () => {
    const undo = { number: 2, report: { reviews: [followed(1, "unchanged", ""), followed(2, "undone", "Undid #1 with #2: F2.2 back in progress")] } };
    expect(undoneWords(undo as unknown as MergeDone)).toBe("Undid #1 with #2: F2.2 back in progress");
    const plain = { number: 1, report: { reviews: [followed(1, "merged", "Merged #1: F2.2 done")] } };
    expect(undoneWords(plain as unknown as MergeDone)).toBeUndefined();
  });

  it("says the task stays done when the withdrawn request was an undo", () => {
    const undo = { number: 2, report: { reviews: [followed(1, "unchanged", "")] } };
    expect(withdrawnWords("F2.2", undo as unknown as Withdrawn)).toBe("Withdrew review request #2, which would have undone the merge; F2.2 stays done.");
    const plain = { number: 1, report: { reviews: [followed(1, "closed", "Withdrew #1")] } };
    expect(withdrawnWords("F2.2", plain as unknown as Withdrawn)).toBeUndefined();
  });
});
