/** Asserts that a helper's promise rejects with an {@link IdcServerError} of this code, and returns the error. */
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { IdcServerError, type ServerErrorCode } from '../../../../src/server/index.js';

export async function rejects(promise: Promise<unknown>, code: ServerErrorCode): Promise<IdcServerError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof IdcServerError, `expected IdcServerError, got ${inspect(err)}`);
    assert.equal(err.code, code, `expected ${code}, got ${err.code}: ${err.message}`);
    return err;
  }
  assert.fail(`expected rejection with ${code}`);
}
