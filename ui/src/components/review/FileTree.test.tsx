import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import type { Review, ReviewFile } from "../../lib/ipc";
import { FileTree, TREE_ROWS_DRAWN_ALL } from "./FileTree";

const file = (path: string): ReviewFile => ({ path, old_path: null, status: "added", added: 495, removed: 0, binary: false });
const many = Array.from({ length: 1000 }, (_, i) => file(`src/module_${String(i).padStart(4, "0")}/part.rs`));
const review = (files: ReviewFile[]) => ({ files, repairs: [{ path: files[1].path }] }) as unknown as Review;

// jsdom lays nothing out: the tree shows 600 px, each row is 26 px high.
const sizes = { clientHeight: 600, clientWidth: 300, offsetHeight: 26, offsetWidth: 300 };
beforeEach(() => {
  for (const [key, px] of Object.entries(sizes)) Object.defineProperty(HTMLElement.prototype, key, { configurable: true, get: () => px });
});
afterEach(() => {
  cleanup();
  for (const key of Object.keys(sizes)) delete (HTMLElement.prototype as unknown as Record<string, unknown>)[key];
});

describe("the file tree", () => {
  it("draws every file of an ordinary change, by folder", () => {
    const files = [file("src/a.rs"), file("src/b.rs"), file("README.md")];
    render(<FileTree review={review(files)} path="src/b.rs" onPick={() => undefined} />);
    expect(screen.getAllByTestId("tree-file").map((b) => b.dataset.path)).toEqual(["README.md", "src/a.rs", "src/b.rs"]);
    expect(screen.getByText("src/")).toBeTruthy();
    expect(screen.getAllByTestId("tree-file")[2].getAttribute("aria-current")).toBe("true");
    expect(screen.getAllByTestId("tree-file")[2].textContent).toContain("fixed");
  });

  it("draws only the rows in view of a thousand-file change, and the others as it scrolls", () => {
    expect(many.length * 2).toBeGreaterThan(TREE_ROWS_DRAWN_ALL);
    const picked: string[] = [];
    render(<FileTree review={review(many)} path={null} onPick={(p) => picked.push(p)} />);
    const drawn = () => screen.getAllByTestId("tree-file").map((b) => b.dataset.path!);
    // 600 px of 26 px rows, folder names included, and a few either side
    expect(drawn().length).toBeGreaterThan(5);
    expect(drawn().length).toBeLessThan(40);
    expect(drawn()[0]).toBe("src/module_0000/part.rs");
    expect(drawn()).not.toContain("src/module_0600/part.rs");

    // The tree keeps its whole height, so the scroll bar is true to the list.
    const tree = screen.getByTestId("file-tree");
    expect((tree.firstElementChild as HTMLElement).style.height).toBe(`${2000 * 26}px`);

    // Row 1200 is module 600's file (each module: its folder's name, then its file).
    tree.scrollTop = 1200 * 26;
    act(() => void fireEvent.scroll(tree));
    expect(drawn()).toContain("src/module_0600/part.rs");
    expect(drawn()).not.toContain("src/module_0000/part.rs");
    fireEvent.click(screen.getAllByTestId("tree-file").find((b) => b.dataset.path === "src/module_0600/part.rs")!);
    expect(picked).toEqual(["src/module_0600/part.rs"]);
  });
});
