import { expect } from '@open-wc/testing';
import { ERROR_CODES, FlowCancelled, IdcError, failureOf, toIdcError } from '../../src/flow/errors.js';
import { LazyLoadFailed } from '../../src/flow/first-paint/hand-over.js';

describe('IdcError', () => {
  it('carries the code, retryable flag and English message from the one table', () => {
    const err = new IdcError('popup_blocked');
    expect(err.code).to.equal('popup_blocked');
    expect(err.retryable).to.equal(true);
    expect(err.message).to.equal(ERROR_CODES.popup_blocked.message);
    expect(err).to.be.instanceOf(Error);
  });

  it('caps and cleans a provider description (docs/security.md §11)', () => {
    const err = new IdcError('provider_error', {
      oauthError: 'server_error',
      oauthErrorDescription: `\u202eevil${'x'.repeat(1000)}`,
    });
    expect(err.oauthErrorDescription!.length).to.be.at.most(300);
    expect(err.oauthErrorDescription!.startsWith('evil')).to.equal(true);
  });

  it('toDetail is plain data without stack or cause', () => {
    const detail = new IdcError('timeout', { cause: new Error('inner') }).toDetail();
    expect(detail).to.deep.equal({ code: 'timeout', message: ERROR_CODES.timeout.message, retryable: true });
  });

  it('toIdcError keeps an IdcError and wraps anything else', () => {
    const original = new IdcError('network');
    expect(toIdcError(original)).to.equal(original);
    const wrapped = toIdcError(new TypeError('boom'), 'discovery_failed');
    expect(wrapped.code).to.equal('discovery_failed');
    expect(wrapped.cause).to.be.instanceOf(TypeError);
  });

  it('the lazy half that could not load is the network error, whatever the fallback', () => {
    const offline = new TypeError('Failed to fetch dynamically imported module');
    const err = toIdcError(new LazyLoadFailed(offline), 'invalid_response');
    expect(err.code).to.equal('network');
    expect(err.retryable).to.equal(true);
    expect(err.cause).to.equal(offline);
  });

  it('failureOf: a cancel stays a cancel, anything else is a coded error detail', () => {
    expect(failureOf(new FlowCancelled('popup_closed'))).to.deep.equal({ cancel: 'popup_closed' });
    expect(failureOf(new IdcError('timeout'))).to.deep.equal({ error: new IdcError('timeout').toDetail() });
    expect(failureOf(new LazyLoadFailed(null))).to.deep.include({ error: { code: 'network', message: 'Could not load the sign-in code.', retryable: true } });
    expect(failureOf('weird')).to.deep.equal({ error: new IdcError('provider_error').toDetail() });
  });
});
