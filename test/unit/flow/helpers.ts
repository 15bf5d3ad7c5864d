/**
 * Helpers for the flow unit tests (real browsers — Chromium, Firefox, WebKitGTK — real windows, real BroadcastChannel).
 *
 * The stand-in authorization endpoint (fixtures/authorize.html) lives on this origin so a test can drive the popup's
 * window mechanics; the protocol against a real oidc-provider is the Playwright suite's job.
 */
import { resetMouse, sendMouse } from '@web/test-runner-commands';
import { checkMetadata, clearMetadataCache, primeMetadata } from '../../../src/flow/lazy/protocol.js';
import { createProtocol } from '../../../src/flow/lazy/protocol.js';

export const FIXTURES = `${location.origin}/test/unit/flow/fixtures`;
/** The stand-in issuer; fixtures/authorize.html sends this as `iss`. */
export const AUTHORITY = `${FIXTURES}/op`;
export const CALLBACK = `${FIXTURES}/callback.html`;
export const CLIENT_ID = 'unit-client';

/** The same server under the other loopback name: another origin and another site. */
export const OTHER_ORIGIN = location.origin.includes('localhost')
  ? location.origin.replace('localhost', '127.0.0.1')
  : location.origin.replace('127.0.0.1', 'localhost');

/**
 * Primes the stand-in provider's metadata. `coop: true` serves its authorization page with a real
 * `Cross-Origin-Opener-Policy: same-origin` (web-test-runner.config.mjs honours `?coop=same-origin`): navigating there
 * severs the popup from this page, which then sees `closed === true` while the window stays open.
 */
export function useStandInProvider(options: { issParameter?: boolean; coop?: boolean } = {}): void {
  clearMetadataCache();
  primeMetadata(AUTHORITY, {
    issuer: AUTHORITY,
    authorization_endpoint: `${FIXTURES}/authorize.html${options.coop ? '?coop=same-origin' : ''}`,
    token_endpoint: `${AUTHORITY}/token`,
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: options.issParameter ?? true,
  });
}

/**
 * The stand-in provider pages opened with `login_hint: 'remote'`, driven over their BroadcastChannel — the only way
 * to reach a window that COOP severed from this page. `close()` stops listening and closes every page still open.
 */
export function remoteProvider(): {
  arrived(timeoutMs?: number): Promise<{ state: string; hasOpener: boolean }>;
  respond(state: string, code: string): void;
  closeWindow(state: string): void;
  close(): void;
} {
  const channel = new BroadcastChannel('unit-authorize');
  const arrivals: { state: string; hasOpener: boolean }[] = [];
  const waiting: ((arrival: { state: string; hasOpener: boolean }) => void)[] = [];
  const states = new Set<string>();
  channel.onmessage = (e) => {
    if (!e.data?.arrived) return;
    const arrival = { state: String(e.data.state), hasOpener: e.data.hasOpener === true };
    states.add(arrival.state);
    const next = waiting.shift();
    if (next) next(arrival);
    else arrivals.push(arrival);
  };
  return {
    arrived(timeoutMs = 5000) {
      const ready = arrivals.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the provider page never arrived')), timeoutMs);
        waiting.push((arrival) => {
          clearTimeout(timer);
          resolve(arrival);
        });
      });
    },
    respond: (state, code) => channel.postMessage({ state, command: 'respond', code }),
    closeWindow: (state) => channel.postMessage({ state, command: 'close' }),
    close() {
      for (const state of states) channel.postMessage({ state, command: 'close' });
      channel.close();
    },
  };
}

/**
 * A trusted click from the test runner (WebDriver/CDP/BiDi input) at `offset` inside `element`'s box — also into a
 * cross-origin iframe, whose page then has real user activation.
 */
export async function trustedClick(element: Element, offset: [number, number] = [20, 20]): Promise<void> {
  const box = element.getBoundingClientRect();
  await sendMouse({ type: 'click', position: [Math.round(box.x + offset[0]), Math.round(box.y + offset[1])] });
  await resetMouse();
}

/**
 * Runs `fn` inside a real user gesture: a trusted click from the test runner on a button in the page, so
 * `navigator.userActivation.isActive` is true just like in a user's click handler. Returns `[fn's value]` (boxed,
 * so a returned promise is handed back pending rather than awaited).
 */
export async function inGesture<T>(fn: () => T): Promise<[T]> {
  const button = document.createElement('button');
  button.textContent = 'start';
  button.style.cssText = 'position:fixed;inset-inline-start:0;inset-block-start:0;width:120px;height:40px;z-index:2147483647';
  document.body.append(button);
  let outcome: { value: T } | { error: unknown } | undefined;
  button.addEventListener(
    'click',
    () => {
      try {
        outcome = { value: fn() };
      } catch (error) {
        outcome = { error };
      }
    },
    { once: true },
  );
  await trustedClick(button);
  button.remove();
  if (!outcome) throw new Error('the click did not reach the button');
  if ('error' in outcome) throw outcome.error;
  return [outcome.value];
}

/**
 * Waits until no transient user activation is left from an earlier test's click. Chromium and Firefox consume it in
 * `window.open`; WebKit keeps it for its full 5 s (while its popup blocker already refuses after ~1 s).
 */
export async function activationExpired(): Promise<void> {
  const activation = (navigator as Navigator & { userActivation?: { isActive: boolean } }).userActivation;
  if (activation) await waitFor(() => !activation.isActive, 6000, "the last click's user activation to expire");
}

/** Counts `window.open` calls (still opening for real) until `restore()`; keeps the windows to close them. */
export function watchWindowOpen(): { calls: number; windows: (Window | null)[]; restore(): void } {
  const original = window.open;
  const watch = {
    calls: 0,
    windows: [] as (Window | null)[],
    restore() {
      window.open = original;
      for (const w of watch.windows) if (w && !w.closed) w.close();
    },
  };
  window.open = function (...args: Parameters<typeof window.open>) {
    watch.calls += 1;
    const w = original.apply(window, args);
    watch.windows.push(w);
    return w;
  };
  return watch;
}

export async function waitFor(check: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The settled outcome of a promise, for assertions: `{ value }` or `{ error }`. */
export async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}

/** BASE64URL(SHA-256(ascii)) computed here, independently of oidc-client-ts. */
export async function s256(verifier: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  let binary = '';
  for (const b of digest) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Removes every key the kit stored in sessionStorage. */
export function clearKitStorage(): void {
  for (const key of Object.keys(sessionStorage)) if (key.startsWith('idconnect-kit')) sessionStorage.removeItem(key);
}

/**
 * Stores a redirect transaction of CLIENT_ID at the stand-in provider, as a redirect start would (this page as the
 * redirect URI), and returns its state: what a page finds on its return.
 */
export async function storedRedirect(): Promise<string> {
  const metadata = checkMetadata(
    { issuer: AUTHORITY, authorization_endpoint: `${FIXTURES}/authorize.html`, authorization_response_iss_parameter_supported: true },
    AUTHORITY,
  );
  const protocol = await createProtocol({
    authority: AUTHORITY,
    clientId: CLIENT_ID,
    redirectUri: location.origin + location.pathname,
    storage: sessionStorage,
    metadata,
    maxAgeSeconds: 600,
  });
  return (await protocol.begin({ scope: 'openid', mode: 'redirect' })).state;
}

/**
 * A consent JWT as the browser sees it: header, the given payload, a fake signature (the browser never verifies it;
 * the backend does). The payload is UTF-8 JSON, base64url without padding.
 */
export function jwt(payload: unknown): string {
  const part = (v: unknown) => {
    let binary = '';
    for (const byte of new TextEncoder().encode(JSON.stringify(v))) binary += String.fromCharCode(byte);
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  };
  return `${part({ alg: 'ES256', typ: 'share-consent+jwt' })}.${part(payload)}.c2lnbmF0dXJl`;
}

/** The stand-in provider share page (fixtures/share-provider.html); `coop: true` serves it with COOP same-origin. */
export function shareProviderLink(options: { then?: string; id?: string; coop?: boolean } = {}): string {
  const url = new URL(`${FIXTURES}/share-provider.html`);
  if (options.coop) url.searchParams.set('coop', 'same-origin');
  if (options.then) url.searchParams.set('then', options.then);
  if (options.id) url.searchParams.set('id', options.id);
  return url.href;
}

/**
 * The waiting stand-in share pages, driven over their BroadcastChannel (the way to reach a window COOP severed from
 * this page). `close()` stops listening and closes every page that arrived.
 */
export function remoteSharePages(): {
  arrived(id: string, timeoutMs?: number): Promise<{ hasOpener: boolean }>;
  go(id: string, url: string): void;
  close(): void;
} {
  const channel = new BroadcastChannel('unit-share-provider');
  const seen = new Map<string, { hasOpener: boolean }>();
  channel.onmessage = (e) => {
    if (e.data?.arrived) seen.set(String(e.data.id), { hasOpener: e.data.hasOpener === true });
  };
  return {
    async arrived(id, timeoutMs = 5000) {
      await waitFor(() => seen.has(id), timeoutMs, `the share page ${id} to arrive`);
      return seen.get(id)!;
    },
    go: (id, url) => channel.postMessage({ id, command: 'go', url }),
    close() {
      for (const id of seen.keys()) channel.postMessage({ id, command: 'close' });
      channel.close();
    },
  };
}
