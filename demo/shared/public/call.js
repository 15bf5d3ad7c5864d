// Calls the demo site's own backend from its pages; a non-2xx answer throws an Error carrying the backend's `code`.
export async function call(path, body) {
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
