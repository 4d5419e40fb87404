import { useMemo, useState, type MouseEvent } from "react";
import { marked } from "marked";
import DOMPurify from "dompurify";
import { backend } from "../../lib/ipc";
import { explain } from "../../lib/errors/errors";

/** A plain web address (http or https, absolute), or null. */
export function webLink(href: string | null): string | null {
  if (!href) return null;
  try {
    const u = new URL(href);
    return (u.protocol === "http:" || u.protocol === "https:") && u.host !== "" && u.username === "" && u.password === "" ? u.href : null;
  } catch {
    return null;
  }
}

/**
 * A pod's markdown as safe HTML: no scripts, no remote content, and links that never lead the
 * window anywhere. An http(s) link keeps its address in `data-link` (opened in the browser by
 * the click handler); any other link (`javascript:`, `file:`, `data:`, relative, `#…`) becomes
 * plain text.
 */
export function podHtml(text: string): string {
  const raw = marked.parse(text, { async: false, gfm: true, breaks: false }) as string;
  const clean = DOMPurify.sanitize(raw, { FORBID_TAGS: ["img", "iframe", "style", "form"], FORBID_ATTR: ["style", "target"] });
  const doc = new DOMParser().parseFromString(`<body>${clean}</body>`, "text/html");
  for (const a of Array.from(doc.body.querySelectorAll("a"))) {
    const link = webLink(a.getAttribute("href"));
    if (link) {
      a.setAttribute("href", link);
      a.setAttribute("data-link", link);
      a.setAttribute("title", `${link} (opens in your browser)`);
      a.setAttribute("rel", "noopener noreferrer");
    } else {
      const span = doc.createElement("span");
      span.className = "inert-link";
      span.title = "Not a web address: Patchdesk does not follow this link";
      span.textContent = a.textContent;
      a.replaceWith(span);
    }
  }
  return doc.body.innerHTML;
}

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
