// SDK-style reuse step: show the user's reusable documents against this business's level requirements with
// <idc-reuse-selection>, then let this site's backend redeem the share token with the user's choice.

import { call } from '/call.js';

const id = location.pathname.split('/').pop();
const selection = document.querySelector('idc-reuse-selection');
const area = document.querySelector('#selection-area');
const status = document.querySelector('#status');
const errorBox = document.querySelector('#error');


function fail(err) {
  status.textContent = '';
  errorBox.textContent = `${err.message} (${err.code || 'error'})`;
}

selection.addEventListener('idc-reuse-select', async (event) => {
  const { selections, missing } = event.detail;
  selection.pending = true;
  status.textContent = 'Sharing your documents…';
  errorBox.textContent = '';
  try {
    const answer = await call(`/api/reuse-sessions/${encodeURIComponent(id)}/redeem`, { selections, missing });
    location.assign(answer.url);
  } catch (err) {
    selection.pending = false;
    fail(err);
  }
});

selection.addEventListener('idc-cancel', () => {
  area.hidden = true;
  status.textContent = 'You cancelled. Nothing was shared; close this page or go back to the integrator.';
});

const ownership = document.querySelector('#ownership');
const ownershipLink = document.querySelector('#ownership-link');

/**
 * A level that takes a selfie: the provider hosts the check (bound to this share) and decides it. Until it has
 * passed, the page offers the provider's selfie page and checks again whenever the user comes back to this tab.
 */
function showOwnership(data) {
  const needed = data.ownership && data.ownership.status !== 'passed';
  ownership.hidden = !needed;
  area.hidden = !!needed;
  if (needed) {
    ownershipLink.href = data.ownership.url;
    status.textContent = data.ownership.status === 'failed' ? 'The selfie check did not pass yet. Try it again.' : '';
  }
  return !needed;
}

async function load() {
  const data = await call(`/api/reuse-sessions/${encodeURIComponent(id)}`);
  selection.recipient = data.recipient;
  selection.documents = data.documents;
  selection.requirements = data.requirements;
  document.title = `Share with ${data.recipient.name} — recipient demo`;
  status.textContent = '';
  return showOwnership(data);
}

let waiting = false;
try {
  waiting = !(await load());
} catch (err) {
  fail(err);
}
const again = () => {
  if (!waiting || document.visibilityState !== 'visible') return;
  load().then((done) => {
    if (done) waiting = false;
  }, fail);
};
document.addEventListener('visibilitychange', again);
window.addEventListener('focus', again);
