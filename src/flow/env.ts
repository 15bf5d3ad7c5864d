/**
 * What the browser around the flow can do, checked synchronously inside the click before anything opens: Web Crypto,
 * user activation, in-app web views (security items 2, 15, 18). What only a redirect needs (storage, the frame we run
 * in) is in redirect-env.ts, off the button's first-paint path.
 */

/**
 * `crypto.subtle` exists only in secure contexts (https, localhost): PKCE needs it (item 15). Where it exists, so
 * does `crypto.getRandomValues`.
 */
export function hasSubtleCrypto(): boolean {
  return Boolean(globalThis.crypto?.subtle);
}

/**
 * False only when the browser says for sure that no user gesture is active (User Activation v2); browsers without
 * `navigator.userActivation` get the benefit of the doubt and `window.open` tells.
 */
export function hasUserActivation(): boolean {
  const activation = (navigator as Navigator & { userActivation?: { isActive: boolean } }).userActivation;
  return activation ? activation.isActive : true;
}

/** In-app web views that swallow or break popups (Instagram, Facebook, TikTok, LINE): item 18. */
const IN_APP = /\b(?:Instagram|FB(?:AN|AV|_IAB|IOS)|TikTok|musical_ly|BytedanceWebview)\b|\bLine\/\d/i;

export function isInAppBrowser(userAgent: string = navigator.userAgent): boolean {
  return IN_APP.test(userAgent);
}

/**
 * Whether the address bar may carry a callback response (`code`, `token`, `error`, `state`). Cheap and deliberately
 * loose — the resume functions check for real — so a page without one never loads the lazy half of the flow.
 */
export function callbackInUrl(): boolean {
  return /[?&#](?:state|code|token|error)=/.test(location.search + location.hash);
}
