// When a key closes the review.
/**
 * Esc closes the review, but not while it is meant for something else: a dialog or form of the
 * review (sending, sending back, handing on) or a field being typed in.
 */
export function closesReview(e: { key: string; defaultPrevented: boolean; target: EventTarget | null }): boolean {
  if (e.key !== "Escape" || e.defaultPrevented) return false;
  return !(e.target instanceof Element && e.target.closest("dialog, form, input, textarea, select, [role=dialog]"));
}
