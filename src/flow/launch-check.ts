/**
 * The quick shape check of the options a public flow function was given (`startVerify`, `startShareConsent`), before
 * `launch()` may open anything. A subset of the full check in config.ts (run by the lazy half, which reports what is
 * wrong), so whatever opens a window passes that one too. Not on the button's first-paint path: the element builds
 * its options itself.
 */
import type { LaunchOptions } from './launch.js';

export function launchOptionsOk(options: unknown): options is LaunchOptions {
  if (!options || typeof options !== 'object') return false;
  const { mode = 'popup', fallback = 'none', signal, onFallback } = options as Record<string, unknown>;
  return (
    (mode === 'popup' || mode === 'redirect') &&
    (fallback === 'redirect' || fallback === 'none') &&
    (signal === undefined || signal instanceof AbortSignal) &&
    (onFallback === undefined || typeof onFallback === 'function')
  );
}
