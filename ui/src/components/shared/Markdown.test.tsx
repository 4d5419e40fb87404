import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { mockBackend, refusal, resetBackend } from "../../lib/ipc/mock";
import { podHtml, webLink } from "../../lib/format/markdown";
import { Markdown } from "./Markdown";

afterEach(() => {
  cleanup();
  resetBackend();
});

const POD_TEXT = [
  "## Thoughts",
  "- See [the guide](https://example.org/rtp?x=1) and <https://github.com/octo/hello/issues/3>.",
  "- [run me](javascript:alert(document.domain)) [local](file:///etc/passwd) [blob](data:text/html,<script>alert(1)</script>)",
  "- [relative](docs/rtp.md) [anchor](#thoughts) [caps](JaVaScRiPt:alert(1))",
  '- <a href="https://example.org/t" target="_blank">raw html link</a>',
].join("\n");

describe("a pod's markdown", () => {
  it("keeps only http(s) links as links; javascript:, file:, data: and relative links become plain text", () => {
    const html = podHtml(POD_TEXT);
    const box = document.createElement("div");
    box.innerHTML = html;
    const links = Array.from(box.querySelectorAll("a")).map((a) => a.getAttribute("data-link"));
    expect(links).toEqual(["https://example.org/rtp?x=1", "https://github.com/octo/hello/issues/3", "https://example.org/t"]);
    expect(html).not.toMatch(/javascript:|file:|data:text|target=/i);
    const inert = Array.from(box.querySelectorAll(".inert-link")).map((s) => s.textContent);
    expect(inert).toEqual(["run me", "local", "blob", "relative", "anchor", "caps"]);
  });

  it("opens a web link in the browser through the backend and never follows it in the window", async () => {
    const { calls: asked } = mockBackend({ openPodLink: () => null });
    render(<Markdown text={POD_TEXT} />);
    const link = screen.getByText("the guide");
    const click = new MouseEvent("click", { bubbles: true, cancelable: true });
    fireEvent(link, click);
    expect(click.defaultPrevented).toBe(true);
    await waitFor(() => expect(asked).toEqual([{ command: "openPodLink", args: ["https://example.org/rtp?x=1"] }]));
    // An inert link does nothing at all.
    fireEvent.click(screen.getByText("run me"));
    expect(asked.length).toBe(1);
  });

  it("says so when the backend refuses to open a link", async () => {
    mockBackend({
      openPodLink: () => {
        throw refusal("link_refused", "Patchdesk opens only web addresses (http or https) from a pod's text; this link is something else and was not opened.");
      },
    });
    render(<Markdown text="[x](https://example.org/)" />);
    fireEvent.click(screen.getByText("x"));
    expect((await screen.findByTestId("link-problem")).textContent).toMatch(/did not open that link/);
  });

  it("treats only absolute http(s) addresses without a name and password as web links", () => {
    expect(webLink("https://example.org/a")).toBe("https://example.org/a");
    expect(webLink("http://example.org")).toBe("http://example.org/");
    for (const bad of [null, "", "javascript:alert(1)", "file:///etc/passwd", "data:,x", "docs/x.md", "#top", "https://u:p@example.org/", "tauri://localhost/"]) {
      expect(webLink(bad)).toBeNull();
    }
  });
});
