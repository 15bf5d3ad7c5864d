/**
 * What a button watches once it has painted, none of it needed to paint — so a chunk of its own, which the flow
 * controller imports when the element connects (flow-controller.ts): the idle warm-up of the flow, the restore from
 * the back/forward cache, and the page's language (one update catches up with a change made before this loaded).
 */
import { watchLanguage } from '../../i18n/language-watch.js';

/** Starts the three watches for `host` and its flow controller; returns the way to stop them. */
export function watchAfterPaint(
  host: { warm(): void; requestUpdate(): void },
  flow: { restored(): void },
): () => void {
  const onPageShow = (event: PageTransitionEvent) => event.persisted && flow.restored();
  const onLanguage = () => host.requestUpdate();
  window.addEventListener('pageshow', onPageShow);
  const unwatchLanguage = watchLanguage(onLanguage);
  const cancelIdle = whenIdle(() => host.warm());
  onLanguage();
  return () => {
    window.removeEventListener('pageshow', onPageShow);
    unwatchLanguage();
    cancelIdle();
  };
}

/** Runs `fn` when the browser is idle (requestIdleCallback, else a timer); returns a canceller. */
function whenIdle(fn: () => void): () => void {
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(fn, { timeout: 4000 });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(fn, 2000);
  return () => clearTimeout(id);
}
