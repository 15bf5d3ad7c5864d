/**
 * PKCE, state and nonce (docs/security.md §12) and the single-use transaction, through the real oidc-client-ts
 * `OidcClient` behind protocol.ts.
 */
import { expect } from '@open-wc/testing';
import { SigninState } from 'oidc-client-ts';
import { checkMetadata } from '../../../src/flow/lazy/protocol.js';
import { createProtocol, type Protocol } from '../../../src/flow/lazy/protocol.js';
import { AUTHORITY, CALLBACK, CLIENT_ID, FIXTURES, clearKitStorage, s256 } from './helpers.js';

// RFC 7636 appendix B.
const RFC7636_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const RFC7636_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

const metadata = checkMetadata(
  {
    issuer: AUTHORITY,
    authorization_endpoint: `${FIXTURES}/authorize.html`,
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: true,
  },
  AUTHORITY,
);

function protocol(storage: Storage | 'memory' = sessionStorage): Promise<Protocol> {
  return createProtocol({ authority: AUTHORITY, clientId: CLIENT_ID, redirectUri: CALLBACK, storage, metadata, maxAgeSeconds: 600 });
}

/** Begins a request and takes the transaction straight back, as a response with a code would. */
async function roundTrip(p: Protocol) {
  const request = await p.begin({ scope: 'openid share', mode: 'popup' });
  const url = new URL(request.url);
  const taken = await p.take(new URLSearchParams({ code: 'c', state: request.state }));
  if (taken.status !== 'found') throw new Error(`transaction ${taken.status}`);
  return { url, request, transaction: taken.transaction };
}

describe('PKCE, state and nonce (docs/security.md §12)', () => {
  afterEach(clearKitStorage);

  it('the S256 helper used below matches the RFC 7636 appendix B vector', async () => {
    expect(await s256(RFC7636_VERIFIER)).to.equal(RFC7636_CHALLENGE);
  });

  it("oidc-client-ts's own challenge computation matches the RFC 7636 appendix B vector", async () => {
    const state = await SigninState.create({
      code_verifier: RFC7636_VERIFIER,
      authority: AUTHORITY,
      client_id: CLIENT_ID,
      redirect_uri: CALLBACK,
      scope: 'openid',
    });
    expect(state.code_challenge).to.equal(RFC7636_CHALLENGE);
  });

  it('sends code_challenge = BASE64URL(SHA256(verifier)) with method S256, computed independently', async () => {
    const { url, transaction } = await roundTrip(await protocol());
    expect(url.searchParams.get('code_challenge_method')).to.equal('S256');
    expect(url.searchParams.get('code_challenge')).to.equal(await s256(transaction.codeVerifier));
    expect(url.searchParams.get('response_type')).to.equal('code');
    expect(url.searchParams.get('client_id')).to.equal(CLIENT_ID);
    expect(url.searchParams.get('redirect_uri')).to.equal(CALLBACK);
  });

  it('the verifier is 43–128 unreserved characters', async () => {
    const { transaction } = await roundTrip(await protocol());
    expect(transaction.codeVerifier).to.match(/^[A-Za-z0-9\-._~]{43,128}$/);
  });

  it('state and nonce carry at least 128 random bits each and are sent as stored', async () => {
    const { url, request, transaction } = await roundTrip(await protocol());
    // state: oidc-client-ts id (UUIDv4, 122 random bits) ; 128 random bits of ours.
    expect(request.state).to.match(/^[0-9a-f]{32};[A-Za-z0-9_-]{22}$/);
    expect(url.searchParams.get('state')).to.equal(request.state);
    // nonce: 16 random bytes, base64url.
    expect(transaction.nonce).to.match(/^[A-Za-z0-9_-]{22}$/);
    expect(url.searchParams.get('nonce')).to.equal(transaction.nonce);
  });

  it('state, nonce and verifier are fresh for every transaction', async () => {
    const p = await protocol('memory');
    const seen = { state: new Set<string>(), nonce: new Set<string>(), verifier: new Set<string>() };
    for (let i = 0; i < 40; i++) {
      const { request, transaction } = await roundTrip(p);
      seen.state.add(request.state);
      seen.state.add(request.state.split(';')[1]!); // the extra half alone is fresh too
      seen.nonce.add(transaction.nonce);
      seen.verifier.add(transaction.codeVerifier);
    }
    expect(seen.state.size).to.equal(80);
    expect(seen.nonce.size).to.equal(40);
    expect(seen.verifier.size).to.equal(40);
  });

  it('sends the offline_access consent prompt, login_hint and ui_locales when asked', async () => {
    const p = await protocol('memory');
    const request = await p.begin({ scope: 'openid offline_access', mode: 'popup', prompt: 'consent', loginHint: 'a@b.c', uiLocales: 'de' });
    const url = new URL(request.url);
    expect(url.searchParams.get('prompt')).to.equal('consent');
    expect(url.searchParams.get('login_hint')).to.equal('a@b.c');
    expect(url.searchParams.get('ui_locales')).to.equal('de');
    expect(url.searchParams.get('scope')).to.equal('openid offline_access');
  });
});

describe('transactions', () => {
  afterEach(clearKitStorage);

  it('are kept in sessionStorage under the kit prefix, with the issuer and the mode', async () => {
    const p = await protocol();
    const request = await p.begin({ scope: 'openid', mode: 'redirect' });
    const raw = sessionStorage.getItem(`idconnect-kit.${request.state.split(';')[0]}`);
    expect(raw, 'stored under the prefix').to.be.a('string');
    const stored = JSON.parse(raw!);
    expect(stored.data).to.deep.equal({ kind: 'verify', mode: 'redirect', issuer: AUTHORITY, issRequired: true });
    expect(stored.client_id).to.equal(CLIENT_ID);
    expect(Object.keys(localStorage).filter((k) => k.startsWith('oidc.') || k.startsWith('idconnect-kit'))).to.deep.equal([]);
  });

  it('are single-use: the second take of the same response finds nothing', async () => {
    const p = await protocol();
    const request = await p.begin({ scope: 'openid', mode: 'popup' });
    const response = new URLSearchParams({ code: 'c', state: request.state });
    expect((await p.take(response)).status).to.equal('found');
    expect((await p.take(response)).status).to.equal('not_found');
  });

  it('a response with the right id but another random half is refused (and the transaction consumed)', async () => {
    const p = await protocol();
    const request = await p.begin({ scope: 'openid', mode: 'popup' });
    const [id] = request.state.split(';');
    const forged = new URLSearchParams({ code: 'c', state: `${id};AAAAAAAAAAAAAAAAAAAAAA` });
    expect((await p.take(forged)).status).to.equal('mismatch');
    expect((await p.take(new URLSearchParams({ code: 'c', state: request.state }))).status).to.equal('not_found');
  });

  it('an unknown state or none at all is not_found', async () => {
    const p = await protocol();
    expect((await p.take(new URLSearchParams({ code: 'c', state: `${'0'.repeat(32)};x` }))).status).to.equal('not_found');
    expect((await p.take(new URLSearchParams({ code: 'c' }))).status).to.equal('not_found');
  });

  it('discard removes a transaction that will not complete', async () => {
    const p = await protocol();
    const request = await p.begin({ scope: 'openid', mode: 'popup' });
    await p.discard(request.state);
    expect((await p.take(new URLSearchParams({ code: 'c', state: request.state }))).status).to.equal('not_found');
  });
});
