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
});
