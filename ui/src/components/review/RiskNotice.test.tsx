import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen } from "@testing-library/react";
import { RiskNotice, confirmedRisks } from "./RiskNotice";
import type { RiskyPath } from "../../lib/ipc";

const risks: RiskyPath[] = [
  { path: ".github/workflows/ci.yml", risk: "workflow", message: "changes the automation GitHub runs with your repository's secrets (.github/workflows/ci.yml)" },
  { path: "docs/latest", risk: "link", message: "adds a link to another place instead of a file (docs/latest)" },
];

describe("RiskNotice", () => {
  it("names every risky file in plain words and asks for an explicit OK", () => {
    const onUnderstood = vi.fn();
    render(<RiskNotice risks={risks} understood={false} onUnderstood={onUnderstood} />);
    expect(screen.getAllByTestId("risk").map((li) => li.textContent)).toEqual(risks.map((r) => r.message));
    expect(screen.getByText(/these 2 files/)).toBeTruthy();
    fireEvent.click(screen.getByTestId("understand-risks"));
    expect(onUnderstood).toHaveBeenCalledWith(true);
  });

  it("shows nothing for an ordinary change", () => {
    const { container } = render(<RiskNotice risks={[]} understood={false} onUnderstood={() => undefined} />);
    expect(container.innerHTML).toBe("");
  });

  it("confirms every listed path only once ticked", () => {
    expect(confirmedRisks(risks, false)).toEqual([]);
    expect(confirmedRisks(risks, true)).toEqual([".github/workflows/ci.yml", "docs/latest"]);
  });
});
