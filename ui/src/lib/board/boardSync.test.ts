import { describe, expect, it } from "vitest";
import { boardWords } from "./boardSync";

const s = (kind: string, words = `${kind} words`) => ({ sent: { kind } as never, words });

describe("boardWords", () => {
  it("always tells when commits went out or became a review request", () => {
    expect(boardWords(s("sent"), true)).toBe("sent words");
    expect(boardWords(s("as_review"), true)).toBe("as_review words");
  });
  it("tells about a remote ahead or a different branch only when asked, never about nothing", () => {
    expect(boardWords(s("diverged"), true)).toBeNull();
    expect(boardWords(s("diverged"), false)).toBe("diverged words");
    expect(boardWords(s("up_to_date"), false)).toBeNull();
    expect(boardWords(null, false)).toBeNull();
  });
  it("says which of the lead's own commits were not sent", () => {
    const held = (sent: number) => ({ sent: { kind: "held", branch: "main", sent, held: 1, subjects: ["WIP"] } as never, words: "held words" });
    expect(boardWords(held(1), true)).toBe("held words");
    expect(boardWords(held(0), true)).toBeNull();
    expect(boardWords(held(0), false)).toBe("held words");
    expect(boardWords(s("does_not_apply"), false)).toBe("does_not_apply words");
  });
});
