/**
 * Whether this page is already on its way to the provider (a redirect navigation started). The synchronous launch
 * reads it, the lazy redirect sets it (`setLeaving`, launch-run.ts): one copy per page, so the script-tag build hands
 * this module to its lazy file (see load-run.iife.ts). Only the state lives here, which is all the button's
 * first-paint path needs.
 */
export const page = { leaving: false };
