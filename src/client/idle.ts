/**
 * Runs fn once the page has painted and is idle, so a widget's setup never competes with the
 * host page's first render. Hidden tabs paint nothing, so a timer stands in for the frame.
 * Returns a function that cancels it.
 */
export function afterPaintAndIdle(fn: () => void, { fallbackMs = 3000, idleTimeoutMs = 2000 } = {}): () => void {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    clearTimeout(fallback);
    fn();
  };
  const fallback = setTimeout(run, fallbackMs);
  const idle = (cb: () => void) => (typeof requestIdleCallback === 'function' ? requestIdleCallback(cb, { timeout: idleTimeoutMs }) : setTimeout(cb, 50));
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => setTimeout(() => idle(run), 0));
  else idle(run);
  return () => {
    done = true;
    clearTimeout(fallback);
  };
}
