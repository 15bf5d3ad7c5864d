import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Messages } from './i18n.js';

/** Path the provider serves the provider-side element bundle from. */
export const UI_SCRIPT_PATH = '/assets/provider-ui.js';

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that can sit inside a `<script type="application/json">` block without ending it. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function newNonce(): string {
  return randomBytes(18).toString('base64');
}

export interface SecurityOptions {
  /**
   * origins a form on the page may post to or be redirected to, besides the provider itself;
   * `null` leaves form-action out (oidc-provider's own form-post pages, whose target is the client)
   */
  formActions?: string[] | null;
  coop?: boolean;
}

/**
 * Headers of every provider HTML screen: strict CSP with a per-response nonce, never framed, no referrer.
 * Without a nonce (oidc-provider's own pages) scripts run only by the hashes oidc-provider adds to this CSP.
 */
export function htmlSecurityHeaders(nonce: string | undefined, { formActions = [], coop = false }: SecurityOptions = {}) {
  const source = nonce ? ` 'nonce-${nonce}'` : '';
  const csp = [
    "default-src 'none'",
    `script-src${source} 'strict-dynamic'`,
    `style-src 'self'${source}`,
    "img-src 'self' https:",
    "connect-src 'self'",
    ...(formActions ? [`form-action ${["'self'", ...new Set(formActions)].join(' ')}`] : []),
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
    "require-trusted-types-for 'script'",
  ].join('; ');
  const headers: Record<string, string> = {
    'Content-Security-Policy': csp,
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  };
  if (coop) headers['Cross-Origin-Opener-Policy'] = 'same-origin';
  return headers;
}

const STYLES = `
:root{color-scheme:light dark;font-family:system-ui,sans-serif;line-height:1.5}
body{margin:0;min-block-size:100vh;display:grid;place-items:center;background:Canvas;color:CanvasText}
main{inline-size:min(28rem,100% - 2rem);padding-block:2rem}
h1{font-size:1.5rem;margin-block:0 .25rem}
.intro{margin-block:0 1.5rem;opacity:.8}
form.login{display:grid;gap:.75rem}
label{font-weight:600}
input{font:inherit;padding:.6rem .75rem;border:1px solid GrayText;border-radius:.375rem;background:Field;color:FieldText}
input[aria-invalid=true]{border-color:#b3261e}
button,.button{font:inherit;font-weight:600;padding:.65rem 1rem;border:0;border-radius:.375rem;background:#1a56db;color:#fff;cursor:pointer;text-decoration:none;display:inline-block;text-align:center}
button:focus-visible,.button:focus-visible,input:focus-visible{outline:3px solid #1a56db;outline-offset:2px}
.alert{padding:.75rem 1rem;border-radius:.375rem;border-inline-start:4px solid #b3261e;background:color-mix(in srgb,#b3261e 10%,Canvas)}
.hint{font-size:.875rem;opacity:.75}
.secondary{background:transparent;color:CanvasText;border:1px solid GrayText}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center}
.field-error{margin:0;font-size:.875rem;font-weight:600}
.status{padding:.75rem 1rem;border-radius:.375rem;border-inline-start:4px solid #1a56db;background:color-mix(in srgb,#1a56db 10%,Canvas)}
select{font:inherit;padding:.6rem .75rem;border:1px solid GrayText;border-radius:.375rem;background:Field;color:FieldText}
section{margin-block:1.5rem}
h2{font-size:1.125rem;margin-block:0 .5rem}
ul.items{list-style:none;padding:0;margin:0;display:grid;gap:.75rem}
ul.items>li{border:1px solid GrayText;border-radius:.5rem;padding:.75rem 1rem;display:grid;gap:.5rem}
ul.items p{margin:0}
table{border-collapse:collapse;inline-size:100%}
th,td{text-align:start;padding:.4rem .5rem;border-block-end:1px solid GrayText}
body.layout-page{grid-template-rows:auto 1fr}
.layout-page main{align-self:start;padding-block:3rem}
header.site{inline-size:100%;box-sizing:border-box;padding:.75rem 1.5rem;border-block-end:1px solid GrayText;font-weight:700}
header.site p{margin:0}
body.layout-popup{place-items:start center}
.layout-popup main{inline-size:min(28rem,100% - 1.5rem);padding-block:1rem}
.layout-popup h1{font-size:1.25rem}
@media (forced-colors:active){button,.button{border:1px solid ButtonText}}
`;

export interface PageOptions {
  m: Messages;
  title: string;
  nonce: string;
  body: string;
  /** extra `<head>`/end-of-body script tags, already carrying the nonce */
  scripts?: string;
  /**
   * `page` (default): a full page with the provider's header; `popup`: compact, for a window of about 480×720
   * (a share link's `displayMode`).
   */
  layout?: 'page' | 'popup';
}

export function page({ m, title, nonce, body, scripts = '', layout = 'page' }: PageOptions): string {
  return `<!DOCTYPE html>
<html lang="${m.locale}" dir="${m.dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">${STYLES}</style>
</head>
<body class="layout-${layout}">
${layout === 'page' ? `<header class="site"><p>${escapeHtml(m.t('brand'))}</p></header>` : ''}
<main>
${body}
</main>
${scripts}
</body>
</html>`;
}

export function sendHtml(
  res: ServerResponse,
  status: number,
  html: string,
  nonce: string,
  security: SecurityOptions = {},
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    ...htmlSecurityHeaders(nonce, security),
    ...headers,
  });
  res.end(html);
}

export interface LoginView {
  action: string;
  /** where **Email me a code** posts the same form (the password is not needed there) */
  codeAction: string;
  /** the sign-up page of this sign-in */
  signupUrl: string;
  csrf: string;
  intro: string;
  email?: string;
  error?: string;
  showDemoHint: boolean;
}

export function loginBody(m: Messages, view: LoginView): string {
  const invalid = view.error ? ' aria-invalid="true" aria-describedby="login-error"' : '';
  return `<h1>${escapeHtml(m.t('loginHeading'))}</h1>
<p class="intro">${escapeHtml(view.intro)}</p>
${view.error ? `<p class="alert" role="alert" id="login-error">${escapeHtml(view.error)}</p>` : ''}
<form class="login" method="post" action="${escapeHtml(view.action)}">
<input type="hidden" name="csrf" value="${escapeHtml(view.csrf)}">
<label for="email">${escapeHtml(m.t('email'))}</label>
<input id="email" name="email" type="email" autocomplete="username" required autofocus value="${escapeHtml(view.email ?? '')}"${invalid}>
<label for="password">${escapeHtml(m.t('password'))}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${invalid}>
<div class="actions">
<button type="submit">${escapeHtml(m.t('signIn'))}</button>
<button type="submit" class="secondary" formaction="${escapeHtml(view.codeAction)}" formnovalidate>${escapeHtml(m.t('emailMeCode'))}</button>
</div>
</form>
<p><a href="${escapeHtml(view.signupUrl)}">${escapeHtml(m.t('createAccount'))}</a></p>
${view.showDemoHint ? `<p class="hint">${escapeHtml(m.t('demoHint'))}</p>` : ''}`;
}

export interface ConsentView {
  kind: 'connect' | 'share';
  action: string;
  csrf: string;
  /** properties for `<idc-consent-screen>` */
  screen: Record<string, unknown>;
  /** where "Not you?" goes */
  switchUrl: string;
}

/**
 * Body of a consent page: the element, its data as a JSON block, the decision form, and the nonce'd boot script
 * that sets the element's properties and posts the decision. Nothing user-supplied reaches HTML but through
 * escaping or the JSON block.
 */
export function consentPage(m: Messages, nonce: string, title: string, view: ConsentView, layout: PageOptions['layout'] = 'page'): string {
  const body = `<idc-consent-screen kind="${view.kind}"></idc-consent-screen>
<noscript><p class="alert">${escapeHtml(m.t('needsScript'))}</p></noscript>
<form id="idc-decision" method="post" action="${escapeHtml(view.action)}" hidden>
<input type="hidden" name="csrf" value="${escapeHtml(view.csrf)}">
<input type="hidden" name="decision" value="">
</form>
<script type="application/json" id="idc-data">${jsonForScript({ screen: view.screen, switchUrl: view.switchUrl })}</script>`;
  const scripts = `<script nonce="${nonce}" src="${UI_SCRIPT_PATH}"></script>
<script nonce="${nonce}">${BOOT_SCRIPT}</script>`;
  return page({ m, title, nonce, body, scripts, layout });
}

const BOOT_SCRIPT = `(function () {
  var data = JSON.parse(document.getElementById('idc-data').textContent);
  var form = document.getElementById('idc-decision');
  customElements.whenDefined('idc-consent-screen').then(function () {
    var screen = document.querySelector('idc-consent-screen');
    Object.keys(data.screen).forEach(function (key) { screen[key] = data.screen[key]; });
    var sent = false;
    screen.addEventListener('idc-consent-decision', function (event) {
      if (sent) return;
      sent = true;
      form.elements.decision.value = event.detail && event.detail.decision === 'allow' ? 'allow' : 'deny';
      screen.pending = true;
      form.submit();
    });
    screen.addEventListener('idc-switch-account', function () {
      if (!sent) window.location.assign(data.switchUrl);
    });
  });
})();`;

export interface MessageView {
  title: string;
  text: string;
  link?: { href: string; label: string };
}

export function messageBody(view: MessageView): string {
  return `<h1>${escapeHtml(view.title)}</h1>
<p role="alert">${escapeHtml(view.text)}</p>
${view.link ? `<p><a class="button" href="${escapeHtml(view.link.href)}">${escapeHtml(view.link.label)}</a></p>` : ''}`;
}
