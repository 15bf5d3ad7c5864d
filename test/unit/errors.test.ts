import { expect } from '@open-wc/testing';
import { ERROR_CODES, IdcError, toIdcError } from '../../src/flow/errors.js';

describe('IdcError', () => {
  it('carries the code, retryable flag and English message from the one table', () => {
    const err = new IdcError('popup_blocked');
    expect(err.code).to.equal('popup_blocked');
    expect(err.retryable).to.equal(true);
    expect(err.message).to.equal(ERROR_CODES.popup_blocked.message);
    expect(err).to.be.instanceOf(Error);
  });

  it('caps and cleans a provider description (security item 11)', () => {
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
});
