/**
 * What a redirect needs from the page (security items 13 and 16): session storage that survives the round trip, and
 * a window that may leave and come back — the page itself, or the top window of a same-site frame.
 */

/**
 * sessionStorage when it works (the getter can throw SecurityError, `setItem` QuotaExceededError in private modes),
 * else null (item 13).
 */
export function usableSessionStorage(): Storage | null {
  try {
    const storage = window.sessionStorage;
    const probe = 'idconnect-kit.probe';
    storage.setItem(probe, '1');
    storage.removeItem(probe);
    return storage;
  } catch {
    return null;
  }
}

export type FrameContext =
  | { kind: 'top' }
  | { kind: 'same-origin-frame' }
  /** A frame on another origin of the same site: storage is shared with the top window, a top redirect can return. */
  | { kind: 'same-site-frame'; top: Window }
  /** A cross-site (or unknown) frame: storage and BroadcastChannel are partitioned; a top redirect cannot return. */
  | { kind: 'cross-site-frame' };

/** Where this document runs (item 16). */
export function frameContext(win: Window = window): FrameContext {
  const top = win.top;
  if (!top || top === win) return { kind: 'top' };
  try {
    // Reading the top's origin throws on another origin (window.origin, unlike location.origin, is inherited by
    // about:blank frames).
    if (top.origin === win.origin) return { kind: 'same-origin-frame' };
  } catch {
    // cross-origin: look below
  }
  const ancestors = win.location.ancestorOrigins;
  const topOrigin = ancestors && ancestors.length ? ancestors[ancestors.length - 1] : undefined;
  if (topOrigin && sameSite(topOrigin, win.origin)) return { kind: 'same-site-frame', top };
  return { kind: 'cross-site-frame' };
}

/**
 * A conservative same-site test without a public-suffix list: same scheme and the same host, or one host a
 * subdomain of the other. Anything else counts as cross-site (the safe answer: we then refuse a top redirect).
 */
export function sameSite(a: string, b: string): boolean {
  let ua: URL;
  let ub: URL;
  try {
    ua = new URL(a);
    ub = new URL(b);
  } catch {
    return false;
  }
  if (ua.protocol !== ub.protocol) return false;
  const [ha, hb] = [ua.hostname, ub.hostname];
  return ha === hb || ha.endsWith(`.${hb}`) || hb.endsWith(`.${ha}`);
}
