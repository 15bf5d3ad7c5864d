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

try {
  const data = await call(`/api/reuse-sessions/${encodeURIComponent(id)}`);
  selection.recipient = data.recipient;
  selection.documents = data.documents;
  selection.requirements = data.requirements;
  area.hidden = false;
  document.title = `Share with ${data.recipient.name} — recipient demo`;
  status.textContent = '';
} catch (err) {
  fail(err);
}
