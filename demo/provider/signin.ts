/**
 * Signing in to the provider's own pages (a share link, the account page): a real authorization request of the
 * provider's first-party client (`response_type=none`) through the same login screens as any client, then back to
 * the page that asked, by a one-time state. Return paths are the provider's own paths only.
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { INTERNAL_CLIENT_ID } from './clients.js';
import { redirect } from '../shared/http.js';
import { htmlRoute, requestMessages, sendMessagePage, type Handler, type Kit } from './kit.js';

const RETURN_TTL = 600;
export const SIGNIN_RESUME_PATH = '/share-resume';

/** A path on this provider (`/x…`), never another origin (`//host`, `/\host`) or a scheme. */
export function isOwnPath(path: string): boolean {
  return /^\/(?![/\\])[\w\-./?=&%]*$/.test(path) && path.length <= 512;
}

export async function startSignIn(kit: Kit, res: ServerResponse, returnPath: string, { forceLogin = false } = {}): Promise<void> {
  if (!isOwnPath(returnPath)) throw new TypeError('return path must be a path on the provider');
  const state = randomBytes(24).toString('base64url');
  await kit.store.set('login-return', state, { path: returnPath }, RETURN_TTL);
  const auth = new URL('/auth', kit.issuer);
  auth.search = new URLSearchParams({
    client_id: INTERNAL_CLIENT_ID,
    response_type: 'none',
    scope: 'openid',
    redirect_uri: `${kit.issuer}${SIGNIN_RESUME_PATH}`,
    state,
    ...(forceLogin ? { prompt: 'login' } : {}),
  }).toString();
  redirect(res, auth.href);
}

/** GET /share-resume — end of that sign-in: checks `iss` and the one-time state, then back to the page. */
const resume: Handler = async (kit, req, res, _params, url) => {
  const m = requestMessages(req);
  const q = url.searchParams;
  const state = q.get('state') ?? '';
  const back = state ? await kit.store.take<{ path: string }>('login-return', state) : undefined;
  if (q.get('iss') !== kit.issuer || !back || !isOwnPath(back.path)) {
    return sendMessagePage(kit, req, res, 400, 'requestExpired', { m });
  }
  if (q.has('error')) return sendMessagePage(kit, req, res, 400, 'errorGeneric', { m });
  redirect(res, back.path);
};

export const signInRoutes: [string, RegExp, Handler][] = [['GET', /^\/share-resume$/, htmlRoute(resume)]];
