import type { AdapterFactory, ClientMetadata, Configuration, KoaContextWithOIDC } from 'oidc-provider';
import type { Accounts } from './accounts.js';
import { EXTRA_CLIENT_METADATA, validateExtraMetadata } from './clients.js';
import { messages, pickLocale, type Messages } from './i18n.js';
import type { ProviderKeys } from './keys.js';
import { escapeHtml, htmlSecurityHeaders, messageBody, newNonce, page } from './views.js';

export const SCOPES = ['openid', 'email', 'share', 'offline_access'];

/** Cookie names prefixed so they do not collide with the demo sites' cookies (cookies ignore the port). */
export const COOKIE_NAMES = { session: 'idc_op_session', interaction: 'idc_op_interaction', resume: 'idc_op_resume' };

function ctxMessages(ctx: KoaContextWithOIDC): Messages {
  let uiLocales: unknown;
  try {
    uiLocales = ctx.oidc?.params?.['ui_locales'];
  } catch {
    uiLocales = undefined;
  }
  return messages(pickLocale(uiLocales, ctx.get('accept-language')));
}

/** Renders one of oidc-provider's own HTML pages with the provider's look and security headers. */
function renderPage(ctx: KoaContextWithOIDC, title: string, body: string, coop: boolean): void {
  const nonce = newNonce();
  const m = ctxMessages(ctx);
  ctx.set(htmlSecurityHeaders(nonce, { coop }));
  ctx.type = 'html';
  ctx.body = page({ m, title, nonce, body });
}

/** oidc-provider lifetimes (seconds) a test may override. */
export type TtlOverrides = Partial<Record<'AccessToken' | 'AuthorizationCode' | 'IdToken' | 'RefreshToken' | 'Interaction' | 'Session' | 'Grant', number>>;

export interface ConfigInput {
  clients: ClientMetadata[];
  keys: ProviderKeys;
  accounts: Accounts;
  adapter: AdapterFactory;
  coop: boolean;
  /** seconds */
  accessTokenTtl: number;
  /** test-only: lifetimes over the defaults below */
  ttlOverrides?: TtlOverrides;
  /** test-only: always (true) or never (false) rotate refresh tokens; default oidc-provider's own rule */
  rotateRefreshTokens?: boolean;
}

export function providerConfiguration({ clients, keys, accounts, adapter, coop, accessTokenTtl, ttlOverrides, rotateRefreshTokens }: ConfigInput): Configuration {
  return {
    // test-only: set only when a test asks, so the default stays oidc-provider's own rule
    ...(rotateRefreshTokens === undefined ? {} : { rotateRefreshToken: () => rotateRefreshTokens }),
    adapter,
    clients,
    jwks: keys.jwks as Configuration['jwks'],
    cookies: {
      names: COOKIE_NAMES,
      keys: keys.cookieKeys,
      long: { httpOnly: true, sameSite: 'lax', signed: true },
      short: { httpOnly: true, sameSite: 'lax', signed: true },
    },
    scopes: SCOPES,
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    // the integrator's backend reads e-mail from the ID token of the code exchange
    conformIdTokenClaims: false,
    responseTypes: ['code', 'none'],
    pkce: { required: () => true },
    allowOmittingSingleRegisteredRedirectUri: false,
    extraClientMetadata: {
      properties: EXTRA_CLIENT_METADATA,
      validator: (_ctx, key, value) => validateExtraMetadata(key, value),
    },
    features: {
      devInteractions: { enabled: false },
      dPoP: { enabled: false },
      resourceIndicators: { enabled: false },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource(ctx, form) {
          const m = ctxMessages(ctx);
          const nonce = newNonce();
          ctx.set(htmlSecurityHeaders(nonce, { coop }));
          ctx.type = 'html';
          // `form` is oidc-provider's own hidden form markup (id op.logoutForm), escaped by it
          ctx.body = page({
            m,
            nonce,
            title: m.t('signOutYes'),
            body: `<h1>${escapeHtml(m.t('signOutQuestion'))}</h1>${form}
<p><button type="submit" form="op.logoutForm" name="logout" value="yes">${escapeHtml(m.t('signOutYes'))}</button>
<button type="submit" form="op.logoutForm">${escapeHtml(m.t('signOutNo'))}</button></p>`,
          });
        },
        postLogoutSuccessSource(ctx) {
          const m = ctxMessages(ctx);
          renderPage(ctx, m.t('signOutYes'), messageBody({ title: m.t('signOutYes'), text: m.t('signedOut') }), coop);
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, sub) {
      const account = await accounts.findById(sub);
      if (!account) return undefined;
      return {
        accountId: account.id,
        claims: async () => ({ sub: account.id, email: account.email, email_verified: true }),
      };
    },
    ttl: {
      AccessToken: accessTokenTtl,
      AuthorizationCode: 60,
      IdToken: 60 * 60,
      RefreshToken: 14 * 24 * 60 * 60,
      Interaction: 60 * 60,
      Session: 24 * 60 * 60,
      Grant: 14 * 24 * 60 * 60,
      ...ttlOverrides,
    },
    renderError(ctx, out) {
      const m = ctxMessages(ctx);
      // `out` holds the OAuth error; it is shown as text, never as markup
      const detail = [out.error, out.error_description].filter(Boolean).join(': ');
      const text = `${m.t('errorGeneric')}${detail ? ` (${String(detail).slice(0, 200)})` : ''}`;
      renderPage(ctx, m.t('errorTitle'), messageBody({ title: m.t('errorTitle'), text }), coop);
    },
  };
}
