/**
 * The script-tag build's loader (vite.config.ts puts it in place of load-run.ts for `dist/idconnect-kit.iife.js`).
 * A classic script cannot split into chunks, so the lazy half of the flow ships as a sibling ES module,
 * `idconnect-kit-flow.js`, next to the script: the host still adds one `<script src>`, and a strict CSP with
 * `'strict-dynamic'` lets that script `import()` its sibling.
 *
 * The sibling does not bundle the error classes or the page state again: it gets this script's own modules when it
 * loads (`bindHost`, see scripts/vite-plugin-host-modules.ts), so there is one `IdcError` class on the page and
 * `instanceof IdcError` holds for every error, whichever file created it.
 */
import * as errors from './errors.js';
import * as leaving from './leaving.js';
import { RunLoadFailed } from './load-failed.js';
import type { Run } from './load-run.js';

export type { Run };

/** The file next to this script. */
export const FLOW_FILE = 'idconnect-kit-flow.js';

// Read while the script runs: afterwards `document.currentScript` is another script or null.
const scriptUrl = (document.currentScript as HTMLScriptElement | null)?.src || location.href;

interface Sibling extends Run {
  bindHost(host: { errors: typeof errors; leaving: typeof leaving }): void;
}

let run: Promise<Run> | undefined;

/** One request, shared; retried after a failure (an offline moment must not break the button for good). */
export function loadRun(): Promise<Run> {
  return (run ??= (import(/* @vite-ignore */ new URL(FLOW_FILE, scriptUrl).href) as Promise<Sibling>).then(
    (sibling) => {
      sibling.bindHost({ errors, leaving });
      return sibling;
    },
    (cause: unknown) => {
      run = undefined;
      throw new RunLoadFailed(cause);
    },
  ));
}
