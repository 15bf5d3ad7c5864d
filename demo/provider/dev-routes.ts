/**
 * Routes for people and tests trying the demo, mounted only with `startProvider({ dev: true })` (what `npm start`
 * does), never by default: `GET /dev/mail` (the built-in mail catcher) and `POST /dev/reviews` (decide a review).
 */
import { HttpError, readJsonObject, sendJson, sendJsonError } from '../shared/http.js';
import type { Handler } from './kit.js';
import { devMailHandler, type MailCatcher } from './mail.js';

/** POST /dev/reviews — `{ email, decision: 'approved' | 'rejected', reason? }` → the decided review. */
const decideReview: Handler = async (kit, req, res) => {
  try {
    const body = await readJsonObject(req);
    const { email, decision, reason } = body;
    if (typeof email !== 'string' || (decision !== 'approved' && decision !== 'rejected')) {
      throw new HttpError(400, 'invalid_request', "send { email, decision: 'approved' | 'rejected', reason? }");
    }
    if (reason !== undefined && (typeof reason !== 'string' || reason.length > 200)) {
      throw new HttpError(400, 'invalid_request', 'reason must be a string of at most 200 characters');
    }
    const account = await kit.accounts.findByEmail(email);
    const review = account && (await kit.verification.decideByTester(account.id, decision, reason));
    if (!review) throw new HttpError(404, 'not_found', 'no review for that account');
    sendJson(res, 200, { email: account.email, status: review.status, reason: review.reason ?? null, checks: review.checks });
  } catch (err) {
    if (!(err instanceof HttpError)) throw err;
    sendJsonError(res, err);
  }
};

export function devRoutes(catcher: MailCatcher): [string, RegExp, Handler][] {
  const mail = devMailHandler(catcher);
  const mailRoute: Handler = (_kit, req, res, _params, url) => mail(req, res, url);
  return [
    ['GET', /^\/dev\/mail$/, mailRoute],
    ['HEAD', /^\/dev\/mail$/, mailRoute],
    ['POST', /^\/dev\/reviews$/, decideReview],
  ];
}
