/**
 * Calls `onChange` when the language an element resolves may have changed: a `lang` attribute anywhere in the
 * document (one MutationObserver for all watchers), or the browser's languages. Returns the way to stop.
 */
const watchers = new Set<() => void>();
let observer: MutationObserver | undefined;

export function watchLanguage(onChange: () => void): () => void {
  watchers.add(onChange);
  window.addEventListener('languagechange', onChange);
  if (!observer) {
    observer = new MutationObserver(() => watchers.forEach((w) => w()));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['lang'], subtree: true });
  }
  return () => {
    watchers.delete(onChange);
    window.removeEventListener('languagechange', onChange);
    if (watchers.size === 0) {
      observer?.disconnect();
      observer = undefined;
    }
  };
}
