/**
 * The provider's signing keys for consent tokens (docs/security.md §20): jose's remote JWKS, one per URL, kept for the
 * life of the process. jose caches the set (10 min), refetches once when a token names an unknown `kid` (at most
 * once per cooldown), and never falls back to anything else: an unreachable JWKS is `jwks_unavailable`.
 */
import { createRemoteJWKSet, errors } from 'jose';
import type { JWTVerifyGetKey } from 'jose';
import { IdcServerError } from './errors.js';

const MAX_SETS = 50;
const sets = new Map<string, JWTVerifyGetKey>();

export interface JwksOptions {
  /** Seconds during which an unknown `kid` does not trigger another fetch. */
  cooldown: number;
  /** Seconds before a JWKS request is abandoned. */
  timeout: number;
}

/** A key getter for `jwtVerify` that turns every fetch failure into `jwks_unavailable`. */
export function remoteKeys(jwksUri: URL, options: JwksOptions): JWTVerifyGetKey {
  const key = `${jwksUri.href}|${options.cooldown}|${options.timeout}`;
  let remote = sets.get(key);
  if (!remote) {
    remote = createRemoteJWKSet(jwksUri, {
      cooldownDuration: options.cooldown * 1000,
      timeoutDuration: options.timeout * 1000,
    });
    sets.set(key, remote);
    if (sets.size > MAX_SETS) sets.delete(sets.keys().next().value as string);
  }
  const getKey = remote;
  return async (header, token) => {
    try {
      return await getKey(header, token);
    } catch (err) {
      // No key for this kid/alg (after the one refetch): the token is at fault, not the network.
      if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) throw err;
      throw new IdcServerError('jwks_unavailable', {
        message: `The JSON Web Key Set at ${jwksUri.origin}${jwksUri.pathname} could not be loaded.`,
        cause: err,
      });
    }
  };
}
