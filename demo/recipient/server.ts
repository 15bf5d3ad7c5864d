/**
 * Recipient demo site: one server playing three regulated businesses ("Regulated Bank" = demo-recipient, "Second
 * Exchange" = demo-recipient-2, "Regulated Insurer" = demo-recipient-3, whose level takes a selfie). It receives
 * share tokens from the integrator's backend and reuses the documents:
 *
 * - API flow: redeem at once with `POST /api/reuse` (HTTP Basic client credentials) and keep the applicant.
 * - SDK-style flow: keep the token, send the user to /reuse/<id> where `<idc-reuse-selection>` shows their reusable
 *   documents against the level's requirements (peeked at the provider without consuming the token); the user's
 *   choice is redeemed with `selections`. For a level that takes a selfie the page first offers the provider's
 *   selfie page (**Take the selfie**), and a share for such a level always takes this flow.
 *
 * Routes: GET / · GET /applicants/:id · GET /reuse/:id · GET /kit/* · POST /api/receive-share (backend to backend) ·
 * GET /api/reuse-sessions/:id · POST /api/reuse-sessions/:id/redeem · POST /webhooks/idc (the provider's webhook)
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import {
  createGatewayClient,
  isIdcServerError,
  type ApplicantReviewedEvent,
  type ReuseCheck,
  type ReuseSelection,
  type ReviewResult,
} from '../../src/server/index.js';
import { INTEGRATOR, RECIPIENTS, recipientById, type RecipientFixture } from '../shared/fixtures.js';
import {
  HttpError,
  esc,
  idcToHttp,
  fill,
  randomId,
  readJson,
  readRawBody,
  requireSameOrigin,
  sendError,
  sendHtml,
  sendJson,
  serveStatic,
  str,
  listen,
  type RunningSite,
} from '../shared/http.js';

export type { RunningSite } from '../shared/http.js';

export interface RecipientOptions {
  /** Port to listen on; 0 picks a free one. Default 5174. */
  port?: number;
  host?: string;
  /** This site's public origin. Default http://localhost:<port>. */
  origin?: string;
  /** The provider's issuer URL. Default http://localhost:4000. */
  providerIssuer?: string;
  /** Directory of the built kit. Default <repo>/dist. */
  distDir?: string;
  log?: (line: string) => void;
}


interface Applicant {
  id: string;
  recipient: RecipientFixture;
  via: 'api' | 'sdk';
  applicantId: string;
  levelName: string;
  status: string;
  review: ReviewResult;
  checks: ReuseCheck[];
  documents: { id: string; type: string; country?: string }[];
  missing: string[];
  receivedAt: Date;
  /** the provider's `applicantReviewed` webhook, once it arrived (verified) */
  webhook?: { deliveryId: string; answer: string; receivedAt: Date };
}

interface ReuseSession {
  recipient: RecipientFixture;
  shareToken: string;
  expires: number;
  busy: boolean;
}

/** Integrators whose share tokens this recipient accepts (the provider checks the same list when redeeming). */
const ALLOWED_DONORS = new Set<string>([INTEGRATOR.clientId]);
const REUSE_SESSION_TTL_MS = 10 * 60 * 1000;

/**
 * Levels whose reuse needs the user on this site: they take a selfie, checked by the provider on a page of its own
 * bound to the share token (docs/security.md §42). Redeemed at once, such a level could only be rejected
 * (`liveness`: `not_performed`), so a share for one always takes the SDK-style flow.
 */
const LEVELS_NEEDING_THE_USER = new Set(['selfie-kyc-level']);

/** `a`, `a and b`, `a, b and c`. */
function listOf(items: string[]): string {
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items.at(-1)}` : (items[0] ?? '');
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const PUBLIC_DIR = here('./public/');
const SHARED_PUBLIC_DIR = here('../shared/public/');
const DEFAULT_DIST = here('../../dist/');
const LAYOUT = readFileSync(here('./public/layout.html'), 'utf8');
const REUSE_PAGE = readFileSync(here('./public/reuse.html'), 'utf8');

export async function startRecipient(options: RecipientOptions = {}): Promise<RunningSite> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((line: string) => console.log(`[recipient] ${line}`));
  const issuer = (options.providerIssuer ?? 'http://localhost:4000').replace(/\/$/, '');
  const distDir = options.distDir ?? DEFAULT_DIST;
  const applicants = new Map<string, Applicant>();
  const reuseSessions = new Map<string, ReuseSession>();
  let origin = options.origin?.replace(/\/$/, '') ?? '';

  // one Gateway API client per business this site plays, with its own credentials and webhook secret
  const gateways = new Map(
    RECIPIENTS.map((r) => [
      r.clientId,
      createGatewayClient({ issuer, clientId: r.clientId, clientSecret: r.clientSecret, webhookSecret: r.webhookSecret }),
    ]),
  );
  const gateway = (r: RecipientFixture) => gateways.get(r.clientId)!;
  /** delivery ids already processed: a retried delivery is acknowledged and changes nothing */
  const seenDeliveries = new Set<string>();

  /** Redeems a share token at the provider (single use) and stores the applicant it created. */
  async function redeem(
    recipient: RecipientFixture,
    shareToken: string,
    via: Applicant['via'],
    extra: { selections?: unknown; missing?: string[] } = {},
  ): Promise<Applicant> {
    const answer = await gateway(recipient).reuse({
      shareToken,
      levelName: recipient.levelName,
      ...(extra.selections !== undefined ? { selections: extra.selections as ReuseSelection[] } : {}),
    });
    const applicant: Applicant = {
      id: randomId(12),
      recipient,
      via,
      applicantId: answer.applicantId,
      levelName: answer.levelName,
      status: answer.status,
      review: answer.review,
      checks: answer.checks,
      documents: answer.documents,
      // the provider's fresh checks say what is still to be collected
      missing: answer.checks.filter((c) => c.result === 'failed').map((c) => c.type),
      receivedAt: new Date(),
    };
    applicants.set(applicant.id, applicant);
    log(`${recipient.clientId} created applicant ${applicant.applicantId} (${via})`);
    return applicant;
  }

  /**
   * A level that takes a selfie: the provider's page where the user proves they hold the account (the provider
   * decides; docs/security.md §42). Passed on only when it is a page of the provider itself.
   */
  function ownershipOf(peek: object): { ownership?: { url: string; status: string } } {
    const o = (peek as { ownership?: { url?: unknown; status?: unknown } }).ownership;
    if (!o || typeof o.url !== 'string' || typeof o.status !== 'string') return {};
    let url: URL;
    try {
      url = new URL(o.url);
    } catch {
      return {};
    }
    return url.origin === new URL(issuer).origin ? { ownership: { url: url.href, status: o.status } } : {};
  }

  function reuseSession(id: string): ReuseSession {
    const found = reuseSessions.get(id);
    if (!found || found.expires <= Date.now()) {
      reuseSessions.delete(id);
      throw new HttpError(404, 'reuse_session_not_found', 'This link has expired or was already used.');
    }
    return found;
  }

  /**
   * POST /webhooks/idc — the provider's `applicantReviewed`: the signature is checked over the raw body (with the
   * secret of whichever business this site plays it verifies under), each delivery id is processed once, and the
   * verdict is shown on the applicant's page. Any verified delivery is acknowledged with 200, so the provider
   * stops retrying it.
   */
  async function webhook(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readRawBody(req);
    let event: ApplicantReviewedEvent | undefined;
    for (const g of gateways.values()) {
      try {
        event = g.verifyWebhook(raw, req.headers);
        break;
      } catch (err) {
        if (!(isIdcServerError(err) && err.code === 'invalid_signature')) throw new HttpError(400, 'invalid_webhook', 'Not a webhook this site understands.');
      }
    }
    if (!event) throw new HttpError(401, 'invalid_signature', 'The webhook signature does not verify.');
    if (!seenDeliveries.has(event.deliveryId)) {
      seenDeliveries.add(event.deliveryId);
      const applicant = [...applicants.values()].find((a) => a.applicantId === event.applicantId);
      if (applicant) applicant.webhook = { deliveryId: event.deliveryId, answer: event.review.answer, receivedAt: new Date() };
      log(`webhook ${event.type} for ${event.applicantId}: ${event.review.answer}`);
    }
    sendJson(res, 200, { received: true });
  }

  async function api(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (req.method === 'POST' && path === '/api/receive-share') {
      // Backend to backend: the integrator hands over a share token. A browser cannot post JSON here from another
      // origin (no CORS), and the token is worthless without this recipient's client secret. A production recipient
      // would also authenticate the integrator (mTLS or a signed request).
      const body = await readJson(req);
      const recipient = recipientById(body.forClientId);
      if (!recipient) throw new HttpError(400, 'unknown_recipient', 'This site does not serve that recipient.');
      if (!ALLOWED_DONORS.has(String(body.donorClientId))) {
        throw new HttpError(403, 'donor_not_allowed', 'Share tokens from this integrator are not accepted.');
      }
      const shareToken = str(body, 'shareToken', 2048);
      if (body.mode === 'sdk' || LEVELS_NEEDING_THE_USER.has(recipient.levelName)) {
        const id = randomId();
        reuseSessions.set(id, { recipient, shareToken, expires: Date.now() + REUSE_SESSION_TTL_MS, busy: false });
        return sendJson(res, 200, { mode: 'sdk', url: `${origin}/reuse/${id}` });
      }
      await redeem(recipient, shareToken, 'api');
      // the integrator learns that the hand-off worked, never the verdict (it must not receive KYC results)
      return sendJson(res, 200, { mode: 'api', received: true, url: `${origin}/` });
    }

    const match = /^\/api\/reuse-sessions\/([\w-]{20,64})(\/redeem)?$/.exec(path);
    if (!match) throw new HttpError(404, 'not_found', 'No such route.');
    const id = match[1]!;
    if (req.method === 'GET' && !match[2]) {
      const session = reuseSession(id);
      const peek = await gateway(session.recipient).reuseDocuments({
        shareToken: session.shareToken,
        levelName: session.recipient.levelName,
      });
      return sendJson(res, 200, {
        recipient: { name: session.recipient.name },
        documents: Array.isArray(peek.documents) ? peek.documents : [],
        requirements: Array.isArray(peek.requirements) ? peek.requirements : [],
        ...ownershipOf(peek),
      });
    }
    if (req.method === 'POST' && match[2]) {
      requireSameOrigin(req, origin);
      const body = await readJson(req);
      const session = reuseSession(id);
      if (session.busy) throw new HttpError(409, 'in_progress', 'This choice is already being processed.');
      if (!Array.isArray(body.selections)) throw new HttpError(400, 'invalid_request', '"selections" must be a list.');
      const selections = body.selections.map((s: unknown) => {
        const o = (s ?? {}) as Record<string, unknown>;
        if (typeof o.requirementId !== 'string' || typeof o.documentId !== 'string') {
          throw new HttpError(400, 'invalid_request', 'Each selection needs a requirementId and a documentId.');
        }
        return { requirementId: o.requirementId, documentId: o.documentId };
      });
      const missing = Array.isArray(body.missing) ? body.missing.filter((m) => typeof m === 'string') : [];
      session.busy = true;
      try {
        const applicant = await redeem(session.recipient, session.shareToken, 'sdk', { selections, missing });
        reuseSessions.delete(id);
        return sendJson(res, 200, { applicantId: applicant.applicantId, url: `${origin}/applicants/${applicant.id}` });
      } finally {
        session.busy = false;
      }
    }
    throw new HttpError(405, 'method_not_allowed', 'Wrong method for this route.');
  }

  /** The layout with a page body; `body` must already be escaped (every value goes through `esc`). */
  function page(title: string, body: string): string {
    return fill(LAYOUT, { title }).replace('<!--body-->', () => body);
  }

  function homePage() {
    const rows = [...applicants.values()]
      .map(
        (a) => `<tr><td><a href="/applicants/${esc(a.id)}">${esc(a.applicantId)}</a></td><td>${esc(a.recipient.name)}</td>
<td>${esc(a.status)}</td><td>${a.via === 'api' ? 'API' : 'SDK'}</td></tr>`,
      )
      .join('\n');
    return page(
      'Recipient demo',
      `<h1>Applicants</h1>
<p class="lead">This site plays ${RECIPIENTS.length} regulated businesses — ${listOf(RECIPIENTS.map((r) => esc(r.name)))}. They
receive share tokens from Acme Marketplace’s backend and reuse the documents instead of asking for new ones.</p>
${
  rows
    ? `<table><thead><tr><th scope="col">Applicant</th><th scope="col">Business</th><th scope="col">Status</th>
<th scope="col">Flow</th></tr></thead><tbody>${rows}</tbody></table>`
    : '<p>No applicants yet. Share your identity from the integrator site first.</p>'
}`,
    );
  }

  function applicantPage(a: Applicant) {
    const docs = a.documents
      .map((d) => `<tr><td>${esc(d.type)}</td><td>${esc(d.country ?? '—')}</td><td><code>${esc(d.id)}</code></td></tr>`)
      .join('');
    return page(
      `Applicant ${a.applicantId}`,
      `<h1>${esc(a.recipient.name)}: applicant created</h1>
<section class="card" aria-labelledby="applicant-title">
<h2 id="applicant-title">Applicant <code>${esc(a.applicantId)}</code></h2>
<dl>
<dt>Business</dt><dd>${esc(a.recipient.name)} (<code>${esc(a.recipient.clientId)}</code>)</dd>
<dt>Level</dt><dd>${esc(a.levelName)}</dd>
<dt>Status</dt><dd data-testid="applicant-status">${esc(a.status)} (${esc(a.review.answer)}${
        a.review.rejectLabels.length ? `: ${a.review.rejectLabels.map(esc).join(', ')}` : ''
      })</dd>
<dt>Webhook</dt><dd data-testid="applicant-webhook">${
        a.webhook
          ? `applicantReviewed ${esc(a.webhook.answer)} received and verified (delivery <code>${esc(a.webhook.deliveryId)}</code>)`
          : 'waiting for the provider’s applicantReviewed webhook'
      }</dd>
<dt>Flow</dt><dd>${a.via === 'api' ? 'API (redeemed by the server)' : 'SDK (documents chosen by you)'}</dd>
<dt>Received</dt><dd>${esc(a.receivedAt.toISOString())}</dd>
</dl>
<h3>Reused documents</h3>
${
  docs
    ? `<table><thead><tr><th scope="col">Type</th><th scope="col">Country</th><th scope="col">Document</th></tr></thead>
<tbody>${docs}</tbody></table>`
    : '<p>None.</p>'
}
<h3>Checks</h3>
<ul>${a.checks.map((c) => `<li>${esc(c.type)}: ${esc(c.result)}${c.reason ? ` (${esc(c.reason)})` : ''}</li>`).join('')}</ul>
${a.missing.length ? `<p>Still to be collected: ${a.missing.map(esc).join(', ')}</p>` : ''}
</section>
<p><a href="/">All applicants</a></p>`,
    );
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/webhooks/idc' && req.method === 'POST') return webhook(req, res);
    if (path.startsWith('/api/')) return api(req, res, path);
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'method_not_allowed', 'Use GET.');
    if (path === '/') {
      return sendHtml(res, homePage());
    }
    const applicantMatch = /^\/applicants\/([\w-]+)$/.exec(path);
    if (applicantMatch) {
      const found = applicants.get(applicantMatch[1]!);
      if (!found) {
        return sendHtml(res, page('Not found', '<h1>No such applicant</h1><p><a href="/">All applicants</a></p>'), [], 404);
      }
      return sendHtml(res, applicantPage(found));
    }
    if (/^\/reuse\/[\w-]+$/.test(path)) return sendHtml(res, REUSE_PAGE);
    if (path.startsWith('/kit/') && (await serveStatic(res, distDir, path.slice('/kit/'.length)))) return;
    if ((path === '/demo.css' || path === '/call.js') && (await serveStatic(res, SHARED_PUBLIC_DIR, path.slice(1)))) return;
    if (/^\/[\w-]+\.js$/.test(path) && (await serveStatic(res, PUBLIC_DIR, path.slice(1)))) return;
    throw new HttpError(404, 'not_found', 'No such page.');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => sendError(res, isIdcServerError(err) ? idcToHttp(err) : err, log));
  });
  const site = await listen(server, options.port ?? 5174, host, origin || undefined);
  origin ||= site.url; // the handlers read it: redirect URIs and the same-origin check
  return site;
}
