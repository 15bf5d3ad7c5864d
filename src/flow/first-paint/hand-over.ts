/**
 * The hand-over from the first-paint half to the lazy half of the flow — the only module outside src/flow/lazy/ that
 * may import it (eslint.config.js, rule `idc/lazy-boundary`), and only here, with `loadLazy()`:
 *
 * - `loadLazy()` resolves with src/flow/lazy/index.ts, whose exports (type `Lazy`) are all this half sees of that
 *   one: option checks in full, provider metadata, PKCE through oidc-client-ts, the popup session, response checks,
 *   the redirect return and the localized error texts. The button paints without any of it; `preloadProtocol()` and
 *   the elements' warm-up load it early, a click loads it at the latest. When it cannot load: `LazyLoadFailed`.
 * - `startFlow()` is the handle a flow function returns inside the click (`startVerify`, `startShareConsent`),
 *   before the lazy half has loaded: it owns the window `launch()` opened until the lazy half's own handle
 *   (lazy/flow.ts) takes the flow over, then forwards to that one. Until then `focus()` brings the popup to the
 *   front, and `cancel()` or the signal's abort closes it at once; the lazy half then still gets the flow, ends it
 *   (`FlowCancelled('aborted')`) and releases whatever it holds. When the lazy half cannot load, the popup closes and
 *   the result is the `network` error.
 *
 * Two builds, one file: the package's ES modules import the lazy chunk; the script-tag build
 * (`idconnect-kit.iife.js`, vite.config.ts sets `__IDC_SCRIPT_TAG__`) cannot split into chunks, so it loads the lazy
 * half from `idconnect-kit-flow.js` next to the script — the host still adds one `<script src>`, and a strict CSP
 * with `'strict-dynamic'` lets that script `import()` its sibling. The two files share the error classes' identity
 * through registered symbols (errors.ts) and the page state through the launch (launch.ts): no hand-over of modules.
 */
import type { IdcErrorDetail } from '../errors.js';
import type { FlowHandle } from '../types.js';
import type { Launch } from './launch.js';

export type Lazy = typeof import('../lazy/index.js');

/** Set by vite.config.ts: true in the script-tag build; undeclared (so false) everywhere else. */
declare const __IDC_SCRIPT_TAG__: boolean | undefined;
const SCRIPT_TAG = typeof __IDC_SCRIPT_TAG__ === 'boolean' && __IDC_SCRIPT_TAG__;

/** The script-tag build's lazy half, next to the script. */
export const LAZY_FILE = 'idconnect-kit-flow.js';

// Read while the script runs: afterwards `document.currentScript` is another script or null.
const scriptUrl = SCRIPT_TAG ? (document.currentScript as HTMLScriptElement | null)?.src || location.href : '';

let lazy: Promise<Lazy> | undefined;

/**
 * One request, shared; retried after a failure (an offline moment must not break the button for good). Rejects with
 * `LazyLoadFailed`, the `network` error.
 */
export function loadLazy(): Promise<Lazy> {
  return (lazy ??= (
    SCRIPT_TAG ? (import(/* @vite-ignore */ new URL(LAZY_FILE, scriptUrl).href) as Promise<Lazy>) : import('../lazy/index.js')
  ).catch((cause: unknown) => {
    lazy = undefined;
    throw new LazyLoadFailed(cause);
  }));
}

/** A started flow as its starter sees it: the handle, and the window the click opened (if any). */
export interface StartedFlow<T> extends FlowHandle<T> {
  /** The popup `launch()` opened: the buttons ask whether it still reads open on a second click. */
  readonly popup?: Window;
}

/** Hands `launched` to the lazy half (`proceed`) once that has loaded; the handle in between. */
export function startFlow<T>(
  launched: Launch,
  signal: AbortSignal | undefined,
  proceed: (lazy: Lazy) => FlowHandle<T>,
): StartedFlow<T> {
  const popup = launched.path === 'popup' ? launched.popup : undefined;
  const close = (): unknown => popup?.closed || popup?.close();
  let handle: FlowHandle<T> | undefined;
  let cancelled = false;
  signal?.addEventListener('abort', close);
  return {
    popup,
    result: loadLazy().then(
      (lazy) => {
        handle = proceed(lazy);
        if (cancelled) handle.cancel();
        return handle.result;
      },
      (err: unknown) => {
        close();
        throw err;
      },
    ),
    focus: () => (handle ?? popup)?.focus(),
    cancel: () => {
      cancelled = true;
      close();
      handle?.cancel();
    },
  };
}

/**
 * How `loadLazy()` fails: the lazy half could not be fetched (offline, a blocked or missing file). It is the `network`
 * IdcError — `isIdcError` and `instanceof IdcError` hold (the brand in errors.ts), it has `code`, `retryable` and
 * `toDetail()` — made without the error table, which stays off the button's first-paint path.
 */
export const LOAD_FAILED_MESSAGE = 'Could not load the sign-in code.';

/** The IdcError brand: the same registered symbol as errors.ts's. */
const IDC_ERROR: unique symbol = Symbol.for('idconnect-kit.IdcError');

export class LazyLoadFailed extends Error {
  override readonly name = 'IdcError';
  readonly code = 'network';
  readonly retryable = true;
  readonly [IDC_ERROR] = true;

  constructor(cause: unknown) {
    super(LOAD_FAILED_MESSAGE, { cause });
  }

  toDetail(): IdcErrorDetail {
    return { code: 'network', message: LOAD_FAILED_MESSAGE, retryable: true };
  }
}
