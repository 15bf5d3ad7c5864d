/**
 * Helpers for the flow unit tests (real Chromium, real windows, real BroadcastChannel).
 *
 * The stand-in authorization endpoint (fixtures/authorize.html) lives on this origin so a test can drive the popup's
 * window mechanics; the protocol against a real oidc-provider is the Playwright suite's job.
 */
import { resetMouse, sendMouse } from '@web/test-runner-commands';
import { clearMetadataCache, primeMetadata } from '../../../src/flow/metadata.js';

export const FIXTURES = `${location.origin}/test/unit/flow/fixtures`;
/** The stand-in issuer; fixtures/authorize.html sends this as `iss`. */
export const AUTHORITY = `${FIXTURES}/op`;
export const CALLBACK = `${FIXTURES}/callback.html`;
export const CLIENT_ID = 'unit-client';

/** The same server under the other loopback name: another origin and another site. */
export const OTHER_ORIGIN = location.origin.includes('localhost')
  ? location.origin.replace('localhost', '127.0.0.1')
  : location.origin.replace('127.0.0.1', 'localhost');

export function useStandInProvider(options: { issParameter?: boolean } = {}): void {
  clearMetadataCache();
  primeMetadata(AUTHORITY, {
    issuer: AUTHORITY,
    authorization_endpoint: `${FIXTURES}/authorize.html`,
    token_endpoint: `${AUTHORITY}/token`,
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: options.issParameter ?? true,
  });
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
  const box = button.getBoundingClientRect();
  await sendMouse({ type: 'click', position: [Math.round(box.x + 20), Math.round(box.y + 20)] });
  await resetMouse();
  button.remove();
  if (!outcome) throw new Error('the click did not reach the button');
  if ('error' in outcome) throw outcome.error;
  return [outcome.value];
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
