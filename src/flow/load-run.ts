/**
 * Loads the lazy half of the flow (run.ts): option checks in full, provider metadata, PKCE through oidc-client-ts,
 * the popup session, response checks, share consent, the redirect resume and the localized error texts. The button
 * paints without any of it; `preloadProtocol()` warms it on hover, focus or idle, a click loads it at the latest.
 *
 * This is the ES-module loader (the package's `dist/` chunks, the tests). The script-tag build swaps in
 * load-run.iife.ts, which loads the same code from a file next to the script; nothing else differs between the two.
 */
import { RunLoadFailed } from './load-failed.js';

export type Run = typeof import('./run.js');

let run: Promise<Run> | undefined;

/**
 * One request, shared; retried after a failure (an offline moment must not break the button for good). Rejects with
 * `RunLoadFailed`, which `toIdcError` turns into the `network` error.
 */
export function loadRun(): Promise<Run> {
  return (run ??= import('./run.js').catch((cause: unknown) => {
    run = undefined;
    throw new RunLoadFailed(cause);
  }));
}
