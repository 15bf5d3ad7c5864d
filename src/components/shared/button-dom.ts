/**
 * The shadow DOM of `<idc-verify-button>` and `<idc-share-button>`, without lit-html: built once here, then patched in
 * place by the element's `update()` with `setAttr`/`setText` — attributes set only when they change, texts inserted
 * as text nodes (never as HTML) and rewritten only when they change (the error line is a live region: a rewrite would
 * announce it again).
 *
 *   div[part=container][lang][dir]
 *     button[part=base].base[aria-busy][aria-describedby]
 *       span[part=spinner] span[part=pending-label]   (only while pending)
 *       span[part=label] > slot (fallback text: the label)
 *     span#hint                                       (visually hidden: "Opens in a new window")
 *     div[part=error]#error[role=alert]
 */

export interface ButtonDom {
  container: HTMLDivElement;
  button: HTMLButtonElement;
  spinner: HTMLSpanElement;
  pendingLabel: HTMLSpanElement;
  label: HTMLSpanElement;
  slot: HTMLSlotElement;
  hint: HTMLSpanElement;
  error: HTMLDivElement;
}

/** Builds the nodes into `root`; the native button gets `onClick`, and `onWarm` on hover and focus. */
export function buildButton(root: Node, onClick: () => void, onWarm: () => void): ButtonDom {
  const dom: ButtonDom = {
    container: node('div', { part: 'container' }),
    button: node('button', { part: 'base', class: 'base', type: 'button' }),
    spinner: node('span', { part: 'spinner', class: 'spinner', 'aria-hidden': 'true' }),
    pendingLabel: node('span', { part: 'pending-label' }),
    label: node('span', { part: 'label' }),
    slot: node('slot', {}),
    hint: node('span', { id: 'hint' }),
    error: node('div', { part: 'error', id: 'error', role: 'alert' }),
  };
  dom.label.append(dom.slot);
  dom.button.append(dom.label);
  dom.button.addEventListener('click', onClick);
  dom.button.addEventListener('pointerenter', onWarm);
  dom.button.addEventListener('focus', onWarm);
  dom.container.append(dom.button, dom.hint, dom.error);
  root.appendChild(dom.container);
  return dom;
}

function node<T extends keyof HTMLElementTagNameMap>(tag: T, attributes: Record<string, string>): HTMLElementTagNameMap[T] {
  const el = document.createElement(tag);
  for (const name in attributes) el.setAttribute(name, attributes[name]!);
  return el;
}

/** Sets or removes an attribute, touching the DOM only on a change. */
export function setAttr(el: Element, name: string, value: string | undefined): void {
  if (value === undefined) el.removeAttribute(name);
  else if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

/** Replaces an element's text only when it changed. */
export function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}
