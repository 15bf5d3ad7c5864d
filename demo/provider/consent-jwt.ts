import { randomBytes } from 'node:crypto';
import { importJWK, SignJWT, type JWK } from 'jose';

export const CONSENT_TOKEN_TYPE = 'share-consent+jwt';
/** Lifetime of a consent JWT; the contract caps it at 5 minutes. */
export const CONSENT_TOKEN_TTL = 300;

export interface ConsentClaims {
  /** integrator client id (the JWT's `aud`) */
  audience: string;
  subject: string;
  forClientId: string;
  sharingAllowed: boolean;
  state: string;
}

/** Signs the per-recipient consent result with the provider's ES256 key (published at /jwks). */
export class ConsentSigner {
  readonly #issuer: string;
  readonly #jwk: JWK;
  #key: CryptoKey | Uint8Array | undefined;

  constructor(issuer: string, privateJwk: JWK) {
    if (privateJwk.kty !== 'EC' || privateJwk.crv !== 'P-256' || !privateJwk.kid) {
      throw new TypeError('consent tokens need an EC P-256 private key with a kid');
    }
    this.#issuer = issuer;
    this.#jwk = privateJwk;
  }

  async sign(claims: ConsentClaims): Promise<{ jwt: string; jti: string; exp: number }> {
    this.#key ??= await importJWK(this.#jwk, 'ES256');
    const iat = Math.floor(Date.now() / 1000);
    const exp = iat + CONSENT_TOKEN_TTL;
    const jti = randomBytes(16).toString('base64url');
    const jwt = await new SignJWT({
      forClientId: claims.forClientId,
      sharingAllowed: claims.sharingAllowed,
      state: claims.state,
    })
      .setProtectedHeader({ alg: 'ES256', kid: this.#jwk.kid!, typ: CONSENT_TOKEN_TYPE })
      .setIssuer(this.#issuer)
      .setAudience(claims.audience)
      .setSubject(claims.subject)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .setJti(jti)
      .sign(this.#key);
    return { jwt, jti, exp };
  }
}
