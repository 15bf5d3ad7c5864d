/**
 * Warms the lazily loaded flow (and oidc-client-ts) and, given an authority, the provider metadata. The element
 * calls it on hover, focus or idle. Never throws. Its own module: the button imports it without the code of
 * `startVerify` (its flow handle, the error table), which only the lazy half needs.
 */
import { loadRun } from './load-run.js';

export function preloadProtocol(authority?: string): void {
  loadRun().then(
    (run) => run.preload(authority),
    () => {},
  );
}
