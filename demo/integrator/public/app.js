// Integrator page logic. The elements come from /kit/idconnect-kit.iife.js; everything secret stays on this site's
// backend: the page only relays the code (idc-success) and the consent JWT (idc-consent) to it.

import { call } from '/call.js';

const $ = (selector) => document.querySelector(selector);
const errorBox = $('#error');


function describe(err) {
  return `${err.message} (${err.code || 'error'})`;
}

function showError(err, where = errorBox) {
  where.textContent = err ? describe(err) : '';
}

// ---- 1. connect ------------------------------------------------------------------------------------------------

const verifyButton = $('idc-verify-button');
const connectStatus = $('#connect-status');
const disconnectButton = $('#disconnect');

verifyButton.addEventListener('idc-start', () => {
  showError(null);
  connectStatus.textContent = 'Waiting for the ID provider…';
});
verifyButton.addEventListener('idc-success', async (event) => {
  connectStatus.textContent = 'Connecting…';
  try {
    render(await call('/api/connect', event.detail));
  } catch (err) {
    connectStatus.textContent = '';
    showError(err);
  }
});
verifyButton.addEventListener('idc-cancel', () => {
  connectStatus.textContent = 'The sign-in window was closed before finishing.';
});
verifyButton.addEventListener('idc-error', (event) => {
  connectStatus.textContent = '';
  showError(event.detail);
});
disconnectButton.addEventListener('click', async () => {
  showError(null);
  try {
    await call('/api/disconnect', {});
    render(await call('/api/session'));
    connectStatus.textContent = 'Disconnected.';
  } catch (err) {
    showError(err);
  }
});

// ---- 2. share --------------------------------------------------------------------------------------------------

const list = $('#recipients');

function displayMode() {
  return document.querySelector('input[name="display"]:checked')?.value === 'page' ? 'page' : 'popup';
}

function reuseMode() {
  return document.querySelector('input[name="mode"]:checked')?.value === 'sdk' ? 'sdk' : 'api';
}

function recipientItem(recipient) {
  const item = document.createElement('li');
  item.className = 'recipient';
  item.dataset.clientId = recipient.clientId;
  const title = document.createElement('h3');
  title.textContent = recipient.name;
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = `Share with ${recipient.name}`;
  const consent = document.createElement('div');
  consent.className = 'consent';
  const status = document.createElement('p');
  status.className = 'result';
  status.setAttribute('role', 'status');
  const error = document.createElement('p');
  error.className = 'error';
  error.setAttribute('role', 'alert');
  item.append(title, button, consent, status, error);
  if (recipient.result) showResult(item, recipient.name, recipient.result);

  button.addEventListener('click', async () => {
    button.disabled = true;
    consent.replaceChildren();
    showError(null, error);
    status.textContent = `Asking the ID provider about ${recipient.name}…`;
    try {
      const answer = await call('/api/share', { forClientId: recipient.clientId, mode: reuseMode() });
      if (answer.status === 'shared') showResult(item, recipient.name, answer.result);
      else askConsent(item, recipient, answer.state);
    } catch (err) {
      status.textContent = '';
      showError(err, error);
      // the user ended the connection in their ID account: back to step 1
      if (err.code === 'connection_revoked' || err.code === 'not_connected') showDisconnected(err);
    } finally {
      button.disabled = false;
    }
  });
  return item;
}

/** Sharing with this recipient is not allowed yet: the user consents on the provider's screen, in a popup. */
function askConsent(item, recipient, state) {
  const consent = item.querySelector('.consent');
  const status = item.querySelector('.result');
  const error = item.querySelector('.error');
  status.textContent = `${recipient.name} needs your consent first.`;

  const shareButton = document.createElement('idc-share-button');
  shareButton.recipientName = recipient.name;
  shareButton.state = state;
  shareButton.redirectUri = new URL('/share-callback', location.origin).href;
  // Fetched lazily: the element opens the popup first (inside the click), then awaits the link.
  shareButton.shareLink = () =>
    call('/api/share-link', { forClientId: recipient.clientId, displayMode: displayMode() }).then((answer) => answer.link);

  shareButton.addEventListener('idc-consent', async (event) => {
    status.textContent = `Checking your consent and sharing with ${recipient.name}…`;
    try {
      const answer = await call('/api/consent', { forClientId: recipient.clientId, token: event.detail.token });
      consent.replaceChildren();
      showResult(item, recipient.name, answer.result);
    } catch (err) {
      consent.replaceChildren();
      status.textContent = '';
      showError(err, error);
    }
  });
  shareButton.addEventListener('idc-cancel', () => {
    status.textContent = `The consent window was closed. ${recipient.name} has not received anything.`;
  });
  shareButton.addEventListener('idc-error', (event) => {
    status.textContent = '';
    showError(event.detail, error);
  });
  consent.replaceChildren(shareButton);
}

/**
 * The recipient has the share token. This page says only that, and links on: the recipient's verdict is the
 * recipient's business and never reaches the integrator (it is not even sent to this site's backend).
 */
function showResult(item, name, result) {
  const status = item.querySelector('.result');
  const link = document.createElement('a');
  link.href = result.url;
  status.textContent = `Shared with ${name}. `;
  link.textContent = result.mode === 'sdk' ? `Continue at ${name} to choose your documents` : `Continue at ${name}`;
  status.append(link);
}

// ---- page state ------------------------------------------------------------------------------------------------

function showDisconnected(err) {
  render({ connected: false, recipients: [] });
  connectStatus.textContent = '';
  showError(err);
}

function render(session) {
  const shareSection = $('#share-section');
  if (session.connected) {
    connectStatus.textContent = `Connected as ${session.email ?? 'your ID account'}.`;
    disconnectButton.hidden = false;
    shareSection.hidden = false;
    list.replaceChildren(...session.recipients.map(recipientItem));
  } else {
    disconnectButton.hidden = true;
    shareSection.hidden = true;
    list.replaceChildren();
  }
}

call('/api/session').then(render, showError);
