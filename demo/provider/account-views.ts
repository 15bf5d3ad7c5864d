/**
 * Markup of the account journey's pages: sign-up, the e-mail code, identity verification, the review, and the
 * account page. Server-rendered native forms (they work without JavaScript, by keyboard, and read well to a screen
 * reader); every value from a user or a client goes through escapeHtml.
 */
import type { MessageKey, Messages } from './i18n.js';
import { escapeHtml } from './views.js';

const e = escapeHtml;

interface FieldOptions {
  name: string;
  label: string;
  type?: string;
  value?: string;
  error?: string;
  attrs?: string;
}

/** A labelled input with its error (if any) tied to it by aria-describedby. */
function field({ name, label, type = 'text', value, error, attrs = '' }: FieldOptions): string {
  const errorId = `${name}-error`;
  const invalid = error ? ` aria-invalid="true" aria-describedby="${errorId}"` : '';
  const val = value !== undefined && type !== 'password' && type !== 'file' ? ` value="${e(value)}"` : '';
  return `<label for="${name}">${e(label)}</label>
<input id="${name}" name="${name}" type="${type}"${val}${invalid}${attrs ? ` ${attrs}` : ''}>
${error ? `<p class="field-error" id="${errorId}">${e(error)}</p>` : ''}`;
}

function alert(text: string | undefined): string {
  return text ? `<p class="alert" role="alert">${e(text)}</p>` : '';
}

function status(text: string | undefined): string {
  return text ? `<p class="status" role="status">${e(text)}</p>` : '';
}

export interface SignupView {
  action: string;
  loginUrl: string;
  csrf: string;
  email?: string;
  errors?: { email?: string; password?: string; form?: string };
}

export function signupBody(m: Messages, view: SignupView): string {
  const errors = view.errors ?? {};
  return `<h1>${e(m.t('signupTitle'))}</h1>
<p class="intro">${e(m.t('signupIntro'))}</p>
${alert(errors.form)}
<form class="login" method="post" action="${e(view.action)}">
<input type="hidden" name="csrf" value="${e(view.csrf)}">
${field({ name: 'email', label: m.t('email'), type: 'email', value: view.email ?? '', error: errors.email, attrs: 'autocomplete="email" required autofocus' })}
${field({ name: 'password', label: m.t('passwordNew'), type: 'password', error: errors.password, attrs: 'autocomplete="new-password" minlength="10" required' })}
<button type="submit">${e(m.t('createAccountButton'))}</button>
</form>
<p><a href="${e(view.loginUrl)}">${e(m.t('haveAccount'))}</a></p>`;
}

export interface ConfirmView {
  action: string;
  resendAction: string;
  csrf: string;
  email: string;
  error?: string;
  notice?: string;
}

export function confirmBody(m: Messages, view: ConfirmView): string {
  const invalid = view.error ? ' aria-invalid="true" aria-describedby="code-error"' : '';
  return `<h1>${e(m.t('confirmTitle'))}</h1>
<p class="intro">${e(m.t('confirmIntro', { email: view.email }))}</p>
${status(view.notice)}
<form class="login" method="post" action="${e(view.action)}">
<input type="hidden" name="csrf" value="${e(view.csrf)}">
<label for="code">${e(m.t('codeLabel'))}</label>
<input id="code" name="code" type="text" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code" required autofocus${invalid}>
${view.error ? `<p class="field-error" id="code-error" role="alert">${e(view.error)}</p>` : ''}
<div class="actions">
<button type="submit">${e(m.t('confirmButton'))}</button>
<button type="submit" class="secondary" formaction="${e(view.resendAction)}" formnovalidate>${e(m.t('resendButton'))}</button>
</div>
</form>`;
}

export type VerifyFieldName = 'documentType' | 'country' | 'number' | 'issuedAt' | 'expiresAt' | 'front';

export interface VerifyView {
  action: string;
  csrf: string;
  intro: string;
  values?: Partial<Record<VerifyFieldName, string>>;
  errors?: Partial<Record<VerifyFieldName, string>>;
  formError?: string;
}

export const DOCUMENT_LABELS: Record<string, MessageKey> = {
  passport: 'docPassport',
  id_card: 'docIdCard',
  driving_license: 'docDrivingLicense',
  residence_permit: 'docResidencePermit',
  proof_of_address: 'docProofOfAddress',
};

export function verifyBody(m: Messages, view: VerifyView): string {
  const values = view.values ?? {};
  const errors = view.errors ?? {};
  const typeError = errors.documentType;
  const options = ['passport', 'id_card', 'driving_license']
    .map((t) => `<option value="${t}"${values.documentType === t ? ' selected' : ''}>${e(m.t(DOCUMENT_LABELS[t]!))}</option>`)
    .join('');
  return `<h1>${e(m.t('verifyTitle'))}</h1>
<p class="intro">${e(view.intro)}</p>
${alert(view.formError)}
<form class="login" method="post" action="${e(view.action)}" enctype="multipart/form-data">
<input type="hidden" name="csrf" value="${e(view.csrf)}">
<label for="documentType">${e(m.t('documentType'))}</label>
<select id="documentType" name="documentType" required${typeError ? ' aria-invalid="true" aria-describedby="documentType-error"' : ''}>${options}</select>
${typeError ? `<p class="field-error" id="documentType-error">${e(typeError)}</p>` : ''}
${field({ name: 'country', label: m.t('country'), value: values.country ?? '', error: errors.country, attrs: 'autocomplete="country" maxlength="2" required' })}
${field({ name: 'number', label: m.t('documentNumber'), value: values.number ?? '', error: errors.number, attrs: 'autocomplete="off" maxlength="20" required' })}
${field({ name: 'issuedAt', label: m.t('issuedAt'), type: 'date', value: values.issuedAt ?? '', error: errors.issuedAt, attrs: 'required' })}
${field({ name: 'expiresAt', label: m.t('expiresAt'), type: 'date', value: values.expiresAt ?? '', error: errors.expiresAt, attrs: 'required' })}
${field({ name: 'front', label: m.t('front'), type: 'file', error: errors.front, attrs: 'accept="image/jpeg,image/png" required' })}
<button type="submit">${e(m.t('submitReview'))}</button>
</form>`;
}

/** The review page while pending or after a rejection (an approval redirects straight on). */
export interface ReviewView {
  state: 'pending' | 'rejected';
  reason?: string;
  /** where the user tries again (rejected) */
  next: string;
  /** JSON status the page polls while pending */
  statusUrl: string;
  selfUrl: string;
}

export function reviewBody(m: Messages, view: ReviewView): string {
  if (view.state === 'rejected') {
    return `<h1>${e(m.t('reviewRejectedTitle'))}</h1>
<p role="alert">${e(view.reason ?? m.t('rejectOther'))}</p>
<p><a class="button" href="${e(view.next)}">${e(m.t('tryAgain'))}</a></p>`;
  }
  return `<h1>${e(m.t('reviewTitle'))}</h1>
<p role="status" id="review-status" data-status-url="${e(view.statusUrl)}">${e(m.t('reviewPending'))}</p>
<p><a class="button secondary" href="${e(view.selfUrl)}">${e(m.t('reviewCheckNow'))}</a></p>`;
}

/** Polls the review status and reloads the page once it is decided (the page then shows the outcome). */
export const REVIEW_SCRIPT = `(function () {
  var el = document.getElementById('review-status');
  if (!el) return;
  var url = el.getAttribute('data-status-url');
  function poll() {
    fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (s && s.status && s.status !== 'pending') window.location.reload();
        else setTimeout(poll, 1000);
      }, function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();`;

export interface AccountView {
  email: string;
  verified: boolean;
  verifyUrl: string;
  signOutUrl: string;
  csrf: string;
  notice?: string;
  connections: { clientId: string; name: string; since: string; may: string[] }[];
  permissions: { integratorId: string; integrator: string; recipientId: string; recipient: string; since: string }[];
  documents: { type: string; country: string; status: string; expiry: string }[];
}

export function accountBody(m: Messages, view: AccountView): string {
  const hidden = (name: string, value: string) => `<input type="hidden" name="${name}" value="${e(value)}">`;
  const connections = view.connections.length
    ? `<ul class="items">${view.connections
        .map(
          (c, i) => `<li><h3 id="conn-${i}">${e(c.name)}</h3>
<p>${e(m.t('connectedSince', { date: c.since }))}</p>
<p>${e(m.t('mayDo'))}</p><ul>${c.may.map((item) => `<li>${e(item)}</li>`).join('')}</ul>
<form method="post" action="/account/disconnect">${hidden('csrf', view.csrf)}${hidden('client', c.clientId)}
<button type="submit" class="secondary" aria-describedby="conn-${i}">${e(m.t('disconnect'))}</button></form></li>`,
        )
        .join('')}</ul>`
    : `<p>${e(m.t('noConnections'))}</p>`;
  const permissions = view.permissions.length
    ? `<ul class="items">${view.permissions
        .map(
          (p, i) => `<li><h3 id="perm-${i}">${e(m.t('sharingEntry', { recipient: p.recipient, integrator: p.integrator }))}</h3>
<p>${e(m.t('allowedSince', { date: p.since }))}</p>
<form method="post" action="/account/withdraw">${hidden('csrf', view.csrf)}${hidden('integrator', p.integratorId)}${hidden('recipient', p.recipientId)}
<button type="submit" class="secondary" aria-describedby="perm-${i}">${e(m.t('withdraw'))}</button></form></li>`,
        )
        .join('')}</ul>`
    : `<p>${e(m.t('noPermissions'))}</p>`;
  const documents = view.documents.length
    ? `<table><thead><tr><th scope="col">${e(m.t('colType'))}</th><th scope="col">${e(m.t('colCountry'))}</th><th scope="col">${e(
        m.t('colStatus'),
      )}</th><th scope="col">${e(m.t('colExpiry'))}</th></tr></thead><tbody>${view.documents
        .map((d) => `<tr><td>${e(d.type)}</td><td>${e(d.country)}</td><td>${e(d.status)}</td><td>${e(d.expiry)}</td></tr>`)
        .join('')}</tbody></table>`
    : `<p>${e(m.t('noDocuments'))}</p>`;
  return `<h1>${e(m.t('accountTitle'))}</h1>
<p class="intro">${e(m.t('accountSignedInAs', { email: view.email }))} · <a href="${e(view.signOutUrl)}">${e(m.t('signOutYes'))}</a></p>
${status(view.notice)}
<p>${e(m.t(view.verified ? 'accountVerified' : 'accountNotVerified'))}${
    view.verified ? '' : ` <a href="${e(view.verifyUrl)}">${e(m.t('verifyTitle'))}</a>`
  }</p>
<section aria-labelledby="h-connections"><h2 id="h-connections">${e(m.t('connectedServices'))}</h2>${connections}</section>
<section aria-labelledby="h-permissions"><h2 id="h-permissions">${e(m.t('sharingPermissions'))}</h2>${permissions}</section>
<section aria-labelledby="h-documents"><h2 id="h-documents">${e(m.t('documentsHeading'))}</h2>${documents}</section>`;
}
