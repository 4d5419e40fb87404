import { useMemo } from "react";
import { marked } from "marked";
import DOMPurify from "dompurify";

/** Renders a pod's markdown safely (no scripts, no remote content). */
export function Markdown({ text }: { text: string }) {
  const html = useMemo(() => {
    const raw = marked.parse(text, { async: false, gfm: true, breaks: false }) as string;
    return DOMPurify.sanitize(raw, { FORBID_TAGS: ["img", "iframe", "style", "form"], FORBID_ATTR: ["style"] });
  }, [text]);
  return <div className="markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}
