/** Reading a share-consent token in the browser — as a UI hint and to route the response, never as proof. */

/**
 * The payload of a compact JWS, decoded WITHOUT verifying anything — a UI hint only; the backend verifies the
 * token. Null when the token is not three base64url parts with a UTF-8 JSON object in the middle.
 */
export function decodeJwtPayload(token: string): Record<string, unknown> | null {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => /^[A-Za-z0-9_-]+$/.test(part))) return null;
  try {
    // atob is forgiving-base64 (HTML): the padding base64url leaves out is optional, a length of 4n+1 throws.
    const binary = atob(parts[1]!.replace(/-/g, '+').replace(/_/g, '/'));
    const json = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    const payload: unknown = JSON.parse(json);
    return payload && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * The state a callback response answers, which routes it to the flow waiting for it: the `state` parameter when the
 * response has one (a code or error response; a share provider may add it), else the unverified `state` claim of its
 * consent token (`?token=<JWT>` — the product model: the provider adds only `token`). Null when there is none. The
 * callback page (src/callback/relay.ts, with a lighter decoder of its own to stay tiny) routes by the same rule; whether a
 * `state` parameter and the claim agree is checked when the result is read (`completeShare`).
 */
export function responseState(params: URLSearchParams): string | null {
  const token = params.get('token');
  const state = params.get('state') ?? (token && decodeJwtPayload(token)?.state);
  return typeof state === 'string' ? state : null;
}
