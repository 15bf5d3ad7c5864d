/**
 * Registers an element once, for the `define` entries. Guarded twice: a second copy of the kit on the page does not
 * throw, and where there is no element registry (a server) nothing is registered and nothing throws. On Node, Lit's
 * server build puts its own registry on `globalThis` (README "Using the ES modules"); the element is registered there,
 * which is what a Lit server render looks up.
 */
export function defineElement(tag: string, element: CustomElementConstructor): void {
  const registry = (globalThis as { customElements?: CustomElementRegistry }).customElements;
  if (registry && !registry.get(tag)) registry.define(tag, element);
}
