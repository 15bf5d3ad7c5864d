/**
 * Whether this page is already on its way to the provider (a redirect navigation started). The synchronous launch
 * reads it, the lazy redirect sets it: one copy per page, so the script-tag build hands this module to its lazy file
 * (see load-run.iife.ts). A restore from the back/forward cache, or a navigation the user stopped, clears it.
 */

const LEAVING_RESET_MS = 10_000;

let leaving = false;
let watchingRestore = false;

export function isLeaving(): boolean {
  return leaving;
}

export function setLeaving(value: boolean): void {
  leaving = value;
  if (!value) return;
  // A navigation the user stopped (a beforeunload "Stay") must not block the page for good.
  setTimeout(() => (leaving = false), LEAVING_RESET_MS);
  if (watchingRestore) return;
  watchingRestore = true; // registered on first use: importing the kit has no side effects
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) leaving = false;
  });
}
