/**
 * The browser half of every example's backend calls (examples/shared/server.mjs). Framework-free and without
 * imports, so each example compiles it with its own toolchain. The parameter types are structural: the kit's
 * `idc-success` and `idc-consent` details fit them.
 */

/** What the backend tells the page it runs in (`GET /config.json`). */
export interface ExampleConfig {
  /** The provider's issuer URL (the verify button's `authority`). */
  issuer: string;
  clientId: string;
  recipientName: string;
  /** The callback page registered at the provider (`<origin>/callback.html`). */
  redirectUri: string;
}

/** A failed backend call, with the backend's coded error. */
export class BackendError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'BackendError';
    this.code = code;
  }
}

async function post<T>(path: string, body: object): Promise<T> {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json().catch(() => ({}))) as { code?: string; message?: string };
  if (!response.ok) throw new BackendError(answer.code ?? 'backend_error', answer.message ?? `HTTP ${response.status}`);
  return answer as T;
}

export async function loadConfig(): Promise<ExampleConfig> {
  const response = await fetch('/config.json');
  if (!response.ok) throw new BackendError('config_unavailable', `GET /config.json: HTTP ${response.status}`);
  return (await response.json()) as ExampleConfig;
}

/** Sends the `idc-success` detail to the backend at once (codes live ~60 s); the backend keeps the connect token. */
export function exchangeCode(detail: {
  code: string;
  codeVerifier: string;
  redirectUri: string;
  nonce: string;
}): Promise<{ sub: string; scope: string }> {
  const { code, codeVerifier, redirectUri, nonce } = detail;
  return post('/api/exchange', { code, codeVerifier, redirectUri, nonce });
}

/** The share button's `shareLink` function: the backend asks the provider for a link bound to `state`. */
export async function fetchShareLink({ state }: { state: string }): Promise<string> {
  const { link } = await post<{ link: string }>('/api/share-link', { state });
  return link;
}

/** Sends the `idc-consent` token to the backend, which verifies it (the page's `sharingAllowed` is only a hint). */
export function verifyConsent(detail: { token: string }): Promise<{ sharingAllowed: boolean; forClientId: string }> {
  return post('/api/consent', { token: detail.token });
}
