/** Authorization responses: RFC 9207 `iss` before `error` (docs/security.md §10), error mapping (docs/security.md §11), config checks. */
import { expect } from '@open-wc/testing';
import { IdcError } from '../../../src/flow/errors.js';
import { resolveVerifyConfig } from '../../../src/flow/lazy/verify.js';
import { checkMetadata, getMetadata, clearMetadataCache } from '../../../src/flow/lazy/protocol.js';
import type { Transaction } from '../../../src/flow/lazy/protocol.js';
import { checkIssuer, completeVerify, oauthError } from '../../../src/flow/lazy/response.js';
import { AUTHORITY, FIXTURES } from './helpers.js';

const transaction = (issRequired: boolean): Transaction => ({
  state: 's',
  codeVerifier: 'v'.repeat(64),
  nonce: 'n',
  redirectUri: 'https://rp.example/cb',
  clientId: 'client',
  authority: 'https://op.example',
  data: { kind: 'verify', mode: 'popup', issuer: 'https://op.example', issRequired },
});

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(IdcError);
    return (err as IdcError).code;
  }
  throw new Error('expected a throw');
}

describe('iss (RFC 9207, docs/security.md §10)', () => {
  it('accepts the issuer the request went to', () => {
    const result = completeVerify(new URLSearchParams({ code: 'abc', state: 's', iss: 'https://op.example' }), transaction(true), 'popup');
    expect(result).to.deep.equal({
      code: 'abc',
      codeVerifier: 'v'.repeat(64),
      state: 's',
      redirectUri: 'https://rp.example/cb',
      clientId: 'client',
      issuer: 'https://op.example',
      mode: 'popup',
      nonce: 'n',
    });
  });

  it('refuses another issuer', () => {
    const params = new URLSearchParams({ code: 'abc', state: 's', iss: 'https://attacker.example' });
    expect(codeOf(() => completeVerify(params, transaction(false), 'popup'))).to.equal('issuer_mismatch');
  });

  it('refuses a missing iss when the metadata says the provider sends it', () => {
    const params = new URLSearchParams({ code: 'abc', state: 's' });
    expect(codeOf(() => completeVerify(params, transaction(true), 'popup'))).to.equal('issuer_mismatch');
  });

  it('accepts a missing iss from a provider that does not announce it', () => {
    const params = new URLSearchParams({ code: 'abc', state: 's' });
    expect(completeVerify(params, transaction(false), 'redirect').code).to.equal('abc');
  });

  it('mix-up: an error response with a foreign iss is issuer_mismatch, not the error it claims', () => {
    const params = new URLSearchParams({ error: 'access_denied', state: 's', iss: 'https://attacker.example' });
    expect(codeOf(() => completeVerify(params, transaction(false), 'popup'))).to.equal('issuer_mismatch');
  });

  it('compares exactly (no trailing-slash or case leniency in the response)', () => {
    expect(codeOf(() => checkIssuer(new URLSearchParams({ iss: 'https://op.example/' }), 'https://op.example', true))).to.equal(
      'issuer_mismatch',
    );
    expect(codeOf(() => checkIssuer(new URLSearchParams({ iss: 'https://OP.example' }), 'https://op.example', true))).to.equal(
      'issuer_mismatch',
    );
  });
});

describe('error responses (docs/security.md §11)', () => {
  it('access_denied stays access_denied, with the description as capped text', () => {
    const err = oauthError(new URLSearchParams({ error: 'access_denied', error_description: 'User said no' }))!;
    expect(err.code).to.equal('access_denied');
    expect(err.toDetail()).to.include({ oauthError: 'access_denied', oauthErrorDescription: 'User said no' });
  });

  it('any other error is provider_error', () => {
    for (const error of ['login_required', 'server_error', 'invalid_request', 'temporarily_unavailable', 'consent_required']) {
      expect(oauthError(new URLSearchParams({ error }))!.code, error).to.equal('provider_error');
    }
  });

  it('a huge description is capped and control/bidi characters are stripped', () => {
    const err = oauthError(new URLSearchParams({ error: 'server_error', error_description: `\u202e${'x'.repeat(5000)}\u0007` }))!;
    expect(err.oauthErrorDescription!.length).to.be.at.most(300);
    expect(err.oauthErrorDescription).not.to.contain('\u202e');
    expect(err.oauthErrorDescription).not.to.contain('\u0007');
  });

  it('an error code outside the RFC 6749 character set is not echoed', () => {
    const err = oauthError(new URLSearchParams({ error: '<img src=x onerror=alert(1)>"' }))!;
    expect(err.code).to.equal('provider_error');
    expect(err.oauthError).to.equal('invalid_error');
  });

  it('error_uri is never kept (no URL from the provider is followed)', () => {
    const err = oauthError(new URLSearchParams({ error: 'server_error', error_uri: 'https://evil.example/' }))!;
    expect(JSON.stringify(err.toDetail())).not.to.contain('evil.example');
  });

  it('a response with neither code nor error is invalid_response', () => {
    expect(codeOf(() => completeVerify(new URLSearchParams({ state: 's' }), transaction(false), 'popup'))).to.equal('invalid_response');
  });
});

describe('options (invalid_config)', () => {
  const ok = { authority: 'https://op.example', clientId: 'c' };

  it('fills the defaults of the contract', () => {
    const config = resolveVerifyConfig(ok);
    expect(config).to.include({ mode: 'popup', fallback: 'none', scope: 'openid share', timeoutMs: 600_000 });
    expect(config.redirectUri).to.equal(location.origin + location.pathname);
  });

  it('offline_access implies prompt=consent; openid is always present', () => {
    expect(resolveVerifyConfig({ ...ok, scope: 'offline_access share' })).to.include({
      scope: 'openid offline_access share',
      prompt: 'consent',
    });
  });

  it('refuses bad input with invalid_config', () => {
    const bad: unknown[] = [
      { ...ok, authority: 'http://op.example' }, // plain http off localhost
      { ...ok, authority: 'javascript:alert(1)' },
      { ...ok, authority: 'op.example' },
      { ...ok, authority: 'https://op.example/?x=1' },
      { ...ok, clientId: '' },
      { ...ok, mode: 'tab' },
      { ...ok, fallback: 'yes' },
      { ...ok, timeout: -1 },
      { ...ok, timeout: Number.NaN },
      { ...ok, redirectUri: 'https://elsewhere.example/cb' }, // the relay needs our own origin
      { ...ok, redirectUri: `${location.origin}/cb#frag` },
      { ...ok, scope: 'openid "quoted"' },
      null,
    ];
    for (const options of bad) {
      expect(codeOf(() => resolveVerifyConfig(options as never)), JSON.stringify(options)).to.equal('invalid_config');
    }
  });

  it('accepts http on localhost and 127.0.0.1 (demo, tests)', () => {
    expect(resolveVerifyConfig({ ...ok, authority: 'http://localhost:4000' }).authority).to.equal('http://localhost:4000');
    expect(resolveVerifyConfig({ ...ok, authority: 'http://127.0.0.1:4000' }).authority).to.equal('http://127.0.0.1:4000');
  });
});

describe('provider metadata', () => {
  const base = { issuer: 'https://op.example', authorization_endpoint: 'https://op.example/auth' };

  it('refuses an issuer other than the authority, and a javascript: or plain-http endpoint', () => {
    expect(codeOf(() => checkMetadata({ ...base, issuer: 'https://other.example' }, 'https://op.example'))).to.equal('discovery_failed');
    expect(codeOf(() => checkMetadata({ ...base, authorization_endpoint: 'javascript:alert(1)' }, 'https://op.example'))).to.equal(
      'discovery_failed',
    );
    expect(codeOf(() => checkMetadata({ ...base, authorization_endpoint: 'http://op.example/auth' }, 'https://op.example'))).to.equal(
      'discovery_failed',
    );
    expect(codeOf(() => checkMetadata({ ...base, code_challenge_methods_supported: ['plain'] }, 'https://op.example'))).to.equal(
      'discovery_failed',
    );
    expect(checkMetadata({ ...base, issuer: 'https://op.example/' }, 'https://op.example').issuer).to.equal('https://op.example/');
  });

  it('an unreachable provider is discovery_failed, and the failure is not cached', async () => {
    clearMetadataCache();
    const err = await getMetadata('http://127.0.0.1:9').catch((e: unknown) => e);
    expect((err as IdcError).code).to.equal('discovery_failed');
    const again = await getMetadata('http://127.0.0.1:9').catch((e: unknown) => e);
    expect(again).not.to.equal(err);
  });

  it('a 404 is discovery_failed', async () => {
    clearMetadataCache();
    const err = await getMetadata(`${FIXTURES}/no-such-provider`).catch((e: unknown) => e);
    expect((err as IdcError).code).to.equal('discovery_failed');
    expect((err as IdcError).message).to.contain('HTTP 404');
  });

  it('the stand-in issuer path is served as files only: fetching its metadata fails cleanly', async () => {
    clearMetadataCache();
    const err = await getMetadata(AUTHORITY).catch((e: unknown) => e);
    expect((err as IdcError).code).to.equal('discovery_failed');
  });
});
