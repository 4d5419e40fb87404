// A pod's markdown made safe to show: links only to web addresses, opened in the browser.
import { marked } from "marked";
import DOMPurify from "dompurify";

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
