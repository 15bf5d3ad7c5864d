/**
 * Dispatches an `idc-*` event: always bubbling and composed (contract). Returns false when a cancelable event was
 * cancelled with `preventDefault()`. A detached element emits nothing (docs/security.md §8).
 */
export function emit<T>(el: HTMLElement, name: string, detail: T, cancelable = false): boolean {
  return el.isConnected && el.dispatchEvent(new CustomEvent<T>(name, { detail, bubbles: true, composed: true, cancelable }));
}
