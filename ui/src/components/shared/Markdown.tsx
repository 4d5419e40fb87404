import { useMemo, useState, type MouseEvent } from "react";
import { backend } from "../../lib/ipc";
import { explain } from "../../lib/errors/errors";
import { podHtml } from "../../lib/format/markdown";

/** Renders a pod's markdown safely; its web links open in the browser, never in the window. */
export function Markdown({ text }: { text: string }) {
  const html = useMemo(() => podHtml(text), [text]);
  const [problem, setProblem] = useState<string | null>(null);
  const follow = (e: MouseEvent<HTMLDivElement>) => {
    const a = (e.target as Element | null)?.closest?.("a");
    if (!a) return;
    e.preventDefault();
    const link = a.getAttribute("data-link");
    if (!link || (e.type === "auxclick" && e.button !== 1)) return;
    setProblem(null);
    backend.openPodLink(link).catch((err) => {
      const x = explain(err);
      setProblem(`${x.title} ${x.detail}`);
    });
  };
  return (
    <>
      <div className="markdown" onClick={follow} onAuxClick={follow} dangerouslySetInnerHTML={{ __html: html }} />
      {problem && (
        <p className="error-text" role="alert" data-testid="link-problem">
          {problem}
        </p>
      )}
    </>
  );
}
