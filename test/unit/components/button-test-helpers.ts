/**
 * Helpers for the verify/share button tests.
 *
 * `Controlled` is a flow handle whose outcome the test decides (resolve / reject / cancel). The test subclasses put it
 * where the element would call startVerify/startShareConsent, so the element's own logic (pending, re-entry, event
 * mapping, detachment, bfcache) is tested deterministically. The real flow is exercised too, in the same files,
 * wherever a browser alone can drive it (validation, cancel, discovery failure, keyboard).
 */
import { sendKeys } from '@web/test-runner-commands';
import type { PreparedFlow } from '../../../src/components/shared/flow-button.js';
import { startFlow } from '../../../src/flow/first-paint/hand-over.js';
import { FlowCancelled, type FlowHandle } from '../../../src/flow/index.js';

export interface Controlled<T> {
  handle: FlowHandle<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
  focusCalls: number;
  cancelCalls: number;
}

export function controlled<T>(): Controlled<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const result = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const c: Controlled<T> = {
    resolve,
    reject,
    focusCalls: 0,
    cancelCalls: 0,
    handle: {
      result,
      focus: () => {
        c.focusCalls += 1;
      },
      cancel: () => {
        c.cancelCalls += 1;
        reject(new FlowCancelled('aborted'));
      },
    },
  };
  return c;
}

/**
 * What a test subclass's `prepareFlow()` returns for a controlled flow: the element's own quick check (`ready`, from
 * `super.prepareFlow(options)`), and a start that opens nothing (redirect-shaped) and goes through the flow
 * functions' real hand-over (`startFlow`), which hands over the controlled handle once the lazy half has loaded.
 */
export function preparedBy<T>(c: Controlled<T>, ready: boolean, signal: AbortSignal): PreparedFlow<T> {
  return { ready, start: () => startFlow({ path: 'redirect', page: { leaving: false } }, signal, () => c.handle) };
}

/** A stand-in for the popup a click opened: records focus and close; `closed` can be flipped by the test. */
export type FakePopup = Window & { focusCalls: number; closed: boolean };

export function fakePopup(): FakePopup {
  const popup = {
    closed: false,
    focusCalls: 0,
    focus() {
      popup.focusCalls += 1;
    },
    close() {
      popup.closed = true;
    },
  };
  return popup as unknown as FakePopup;
}

/**
 * What a test subclass's `prepareFlow()` returns for a controlled flow in a (fake) popup: the start "opens" `popup`
 * (counted in `launches`) and goes through the flow functions' real hand-over (`startFlow`: the popup is the flow's
 * until the lazy half has loaded), which then hands over the controlled handle.
 */
export function preparedInPopup<T>(
  c: Controlled<T>,
  popup: FakePopup,
  launches: { count: number },
  signal: AbortSignal,
  ready = true,
): PreparedFlow<T> {
  return {
    ready,
    start: () => {
      launches.count += 1;
      return startFlow({ path: 'popup', popup }, signal, () => c.handle);
    },
  };
}

/** Records `idc-*` events reaching `target` (default: document) while the test runs. */
export function recordEvents(names: string[], target: EventTarget = document): { events: CustomEvent[]; stop(): void } {
  const events: CustomEvent[] = [];
  const listener = (e: Event): void => {
    events.push(e as CustomEvent);
  };
  names.forEach((n) => target.addEventListener(n, listener));
  return { events, stop: () => names.forEach((n) => target.removeEventListener(n, listener)) };
}

/** Replaces `window.open` with a recorder (returning null: nothing opens) until `restore()`. */
export function spyWindowOpen(): { calls: unknown[][]; restore(): void } {
  const original = window.open;
  const calls: unknown[][] = [];
  window.open = ((...args: unknown[]) => {
    calls.push(args);
    return null;
  }) as typeof window.open;
  return { calls, restore: () => (window.open = original) };
}

/** Lets pending promise callbacks and a Lit update run. */
export async function settle(el?: { updateComplete: Promise<unknown> }): Promise<void> {
  for (let i = 0; i < 3; i += 1) await new Promise((r) => setTimeout(r, 0));
  if (el) await el.updateComplete;
}

export const ALL_EVENTS = ['idc-start', 'idc-success', 'idc-consent', 'idc-cancel', 'idc-error', 'idc-fallback'];

interface AxeGlobal {
  setup(node?: Element | Document): unknown;
  teardown(): void;
  commons: { text: { accessibleText(el: Element): string } };
}

/** The accessible name as axe-core computes it (follows shadow roots, slots, aria-hidden). */
export async function accessibleName(el: Element): Promise<string> {
  const w = window as unknown as { axe?: AxeGlobal };
  if (!w.axe) {
    await import('axe-core'); // the UMD build registers window.axe
  }
  const axe = w.axe!;
  axe.setup(document);
  try {
    return axe.commons.text.accessibleText(el).trim();
  } finally {
    axe.teardown();
  }
}

/** A real key press on the element's button: the click runs with user activation, as a user's would. */
export async function pressEnter(el: HTMLElement): Promise<void> {
  el.focus();
  await sendKeys({ press: 'Enter' });
}
