import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * CSRF tokens for the provider's own forms: an HMAC over what the form acts on (purpose + the unguessable
 * interaction or link id + the signed-in session), so a token is good for one form of one browser session only.
 */
export class Csrf {
  readonly #key: string;

  constructor(key: string) {
    this.#key = key;
  }

  token(...binding: string[]): string {
    return createHmac('sha256', this.#key).update(binding.join('\u0000')).digest('base64url');
  }

  verify(token: string | undefined, ...binding: string[]): boolean {
    if (typeof token !== 'string') return false;
    const expected = Buffer.from(this.token(...binding));
    const actual = Buffer.from(token);
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }
}
