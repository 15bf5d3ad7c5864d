// SDK-style reuse step: show the user's reusable documents against this business's level requirements with
// <idc-reuse-selection>, then let this site's backend redeem the share token with the user's choice.

const id = location.pathname.split('/').pop();
const selection = document.querySelector('idc-reuse-selection');
const area = document.querySelector('#selection-area');
const status = document.querySelector('#status');
const errorBox = document.querySelector('#error');

async function call(path, body) {
  const init = { credentials: 'same-origin', headers: { accept: 'application/json' } };
  if (body !== undefined) {
    init.method = 'POST';
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw Object.assign(new Error('This site’s server could not be reached.'), { code: 'network' });
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const message = data?.error?.message || `The server answered ${response.status}.`;
    throw Object.assign(new Error(message), { code: data?.error?.code || `http_${response.status}` });
  }
  return data;
}

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
