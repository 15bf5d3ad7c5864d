/**
 * `idconnect-kit/callback` — the entry of the host's callback page (`dist/callback.js`). The relay itself is
 * src/callback/relay.ts; it imports nothing from the flow or the elements, so this file stays a few hundred bytes.
 *
 * ```html
 * <script type="module">import { handleCallback } from 'idconnect-kit/callback'; handleCallback();</script>
 * ```
 */
export { handleCallback } from './callback/relay.js';
