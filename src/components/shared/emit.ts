/**
 * Dispatches an `idc-*` event: always bubbling and composed (contract). Returns false when a cancelable event was
 * cancelled with `preventDefault()`. A detached element emits nothing (security item 8).
 */
export function emit<T>(el: HTMLElement, name: string, detail: T, options: { cancelable?: boolean } = {}): boolean {
  if (!el.isConnected) return false;
  const event = new CustomEvent<T>(name, {
    detail,
    bubbles: true,
    composed: true,
    cancelable: options.cancelable ?? false,
  });
  return el.dispatchEvent(event);
}
