import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { mockBackend, refusal, resetBackend } from "../../lib/ipc/mock";
import { HelpMenu } from "./HelpMenu";

afterEach(() => {
  cleanup();
  resetBackend();
});

describe("HelpMenu", () => {
  it("opens the log folder and says where it is", async () => {
    const backend = mockBackend({ openLogFolder: () => "/home/lead/.local/share/patchdesk/logs" });
    const toast = vi.fn();
    render(<HelpMenu toast={toast} />);
    expect(screen.queryByTestId("open-log-folder")).toBeNull();
    fireEvent.click(screen.getByTestId("help"));
    fireEvent.click(screen.getByTestId("open-log-folder"));
    await waitFor(() => expect(toast).toHaveBeenCalled());
    expect(backend.calls.map((c) => c.command)).toEqual(["openLogFolder"]);
    expect(toast.mock.calls[0][0]).toContain("/home/lead/.local/share/patchdesk/logs");
  });

  it("says in plain words when the folder could not be opened", async () => {
    mockBackend({
      openLogFolder: () => {
        throw refusal("not_opened", "Patchdesk could not open the log folder /x. Open it yourself in your file manager.");
      },
    });
    const toast = vi.fn();
    render(<HelpMenu toast={toast} />);
    fireEvent.click(screen.getByTestId("help"));
    fireEvent.click(screen.getByTestId("open-log-folder"));
    await waitFor(() => expect(toast).toHaveBeenCalled());
    expect(toast.mock.calls[0][0]).toContain("couldn't start the program");
    expect(toast.mock.calls[0][0]).toContain("/x");
  });

  it("shows the version in About Patchdesk", async () => {
    mockBackend({ aboutPatchdesk: () => ({ version: "0.1.0", platform: "Debian GNU/Linux 12, linux x86_64" }) });
    render(<HelpMenu toast={vi.fn()} />);
    fireEvent.click(screen.getByTestId("help"));
    fireEvent.click(screen.getByTestId("about"));
    expect((await screen.findByTestId("about-version")).textContent).toBe("Version 0.1.0");
    expect(screen.getByTestId("about-dialog").textContent).toContain("Debian GNU/Linux 12");
    fireEvent.click(screen.getByRole("button", { name: "Close" }));
    expect(screen.queryByTestId("about-dialog")).toBeNull();
  });

  it("puts the backend's problem report on the clipboard and says so", async () => {
    const report = "Patchdesk 0.1.0\nPlatform: linux x86_64\nLast lines of the log:\nINFO round 1\n";
    const backend = mockBackend({ problemReport: () => report });
    const toast = vi.fn();
    render(<HelpMenu toast={toast} />);
    fireEvent.click(screen.getByTestId("help"));
    fireEvent.click(screen.getByTestId("report-problem"));
    await waitFor(() => expect(toast).toHaveBeenCalled());
    expect(backend.clipboard).toEqual([report]);
    expect(toast.mock.calls[0][0]).toContain("problem report is on your clipboard");
  });
});
