import type { Toast } from "../../lib/project/useToasts";

/** The short messages at the bottom of the window, read out politely by screen readers. */
export function Toasts({ toasts }: { toasts: Toast[] }) {
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((t) => (
        <div className="toast" key={t.id} data-testid="toast">
          {t.text}
        </div>
      ))}
    </div>
  );
}
