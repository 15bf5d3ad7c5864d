/**
 * The popup session: the blank window first-paint/launch.ts opened synchronously inside the click (docs/security.md
 * §1), navigated once the request is ready, and a wait for the callback relay (§5), with the closed-window hint
 * handled carefully (§3 and §4).
 *
 * Closed hint. `popup.closed` is true both when the user closed the window and when the provider's
 * Cross-Origin-Opener-Policy severed our handle (the window is still open, the user still signing in; the result
 * then arrives on the BroadcastChannel). So:
 * - before the first navigation (still our about:blank) closed is certain: cancel at once;
 * - seen later, it starts a grace period (a late channel message still wins) and then `popup_closed` —
 *   but only when the user is plausibly back on this page: it has focus, or it regained focus/visibility since
 *   the navigation. A flip right after the navigation (within `SEVER_WINDOW_MS`) is the typical COOP severance,
 *   so then only a real return to this page (a focus or visibility event) counts.
 * Anything else waits for the channel, the timeout — or the user's next click on the button: a pending button whose
 * window reads closed ends the flow with `popup_closed` and starts a fresh one (flow-controller.ts). Never a hang, never
 * a lost result.
 */
import { FlowCancelled, IdcError } from '../errors.js';
import type { Flow } from './flow.js';
import { responseState } from './jwt.js';
import { ACK_TYPE, CALLBACK_TYPE, CHANNEL_PREFIX, MAX_PARAMS_LENGTH, type AckMessage, type CallbackMessage } from '../../callback/messages.js';

const POLL_MS = 500;
const GRACE_MS = 2000;
const SEVER_WINDOW_MS = 4000;

export interface Expectation {
  kind: 'verify' | 'share';
  /** The expected `state` (every flow has one: a share flow started without one generated it). */
  state: string;
}

/**
 * The response parameters of a callback message of our shape for a flow of `kind`, or null: wrong shape, oversized,
 * no result parameter, or a `state` that is not the one its response carries — the `state` parameter; for a share
 * response without one, its token's claim (`responseState`). Any state: callers compare it.
 */
function callbackResponse(data: unknown, kind: Expectation['kind']): URLSearchParams | null {
  if (!data || typeof data !== 'object') return null;
  const message = data as Partial<CallbackMessage>;
  if (message.type !== CALLBACK_TYPE || message.v !== 1) return null;
  if (typeof message.state !== 'string' || typeof message.params !== 'string') return null;
  if (message.state.length > 1024 || message.params.length > MAX_PARAMS_LENGTH) return null;
  const params = new URLSearchParams(message.params);
  const share = kind === 'share';
  if ((share ? responseState(params) : params.get('state')) !== message.state) return null;
  return params.has(share ? 'token' : 'code') || params.has('error') ? params : null;
}

/**
 * The response parameters of a callback message, or null when it is not ours: wrong shape, oversized, a `state`
 * that is not the expected one, no result parameter. Callers check the origin first.
 */
export function readCallbackMessage(data: unknown, expected: Expectation): URLSearchParams | null {
  const params = callbackResponse(data, expected.kind);
  return params && (data as CallbackMessage).state === expected.state ? params : null;
}

export class PopupSession {
  private navigatedAt?: number;
  private closedSeenAt?: number;
  private graceTimer?: ReturnType<typeof setTimeout>;
  private returnedAt = 0;
  private hadFocus = true;
  private received = false;

  constructor(
    readonly popup: Window,
    private readonly flow: Flow<unknown>,
  ) {
    flow.popup = popup;
    const poll = setInterval(this.checkClosed, POLL_MS);
    const onReturn = () => {
      if (document.visibilityState === 'visible') this.returnedAt = Date.now();
    };
    window.addEventListener('focus', onReturn);
    document.addEventListener('visibilitychange', onReturn);
    flow.onCleanup(() => {
      clearInterval(poll);
      clearTimeout(this.graceTimer);
      window.removeEventListener('focus', onReturn);
      document.removeEventListener('visibilitychange', onReturn);
      if (!popup.closed) popup.close();
    });
  }

  /** Sends the window to `url` (the provider). A window closed meanwhile cancels the flow. */
  navigate(url: string): void {
    if (this.flow.settled) return;
    if (this.popup.closed) {
      this.flow.fail(new FlowCancelled('popup_closed'));
      return;
    }
    try {
      this.popup.location.replace(url);
    } catch (cause) {
      this.flow.fail(new IdcError('popup_blocked', { message: 'The sign-in window could not be navigated.', cause }));
      return;
    }
    this.navigatedAt = Date.now();
  }

  /**
   * Waits for our callback message (postMessage from this origin, or the channel named from the state), acks it on
   * the channel so the callback can close its window, and resolves with the response parameters. Messages from other
   * origins, with another state or another shape are ignored silently (docs/security.md §5). For a share flow, a well-formed
   * response from our own popup with another state is `state_mismatch`.
   */
  waitForCallback(expected: Expectation): Promise<URLSearchParams> {
    return new Promise((resolve) => {
      const channels: BroadcastChannel[] = [];
      const accept = (params: URLSearchParams) => {
        if (this.received || this.flow.settled) return;
        this.received = true;
        ack(expected.state, channels);
        resolve(params);
      };
      const onMessage = (event: MessageEvent) => {
        if (event.origin !== location.origin) return;
        const params = readCallbackMessage(event.data, expected);
        if (params) {
          accept(params);
        } else if (expected.kind === 'share' && event.source === this.popup && callbackResponse(event.data, 'share')) {
          this.flow.fail(new IdcError('state_mismatch'));
        }
      };
      window.addEventListener('message', onMessage);
      this.flow.onCleanup(() => window.removeEventListener('message', onMessage));
      if (typeof BroadcastChannel === 'function') {
        const channel = new BroadcastChannel(CHANNEL_PREFIX + expected.state);
        channel.onmessage = (event: MessageEvent) => {
          const params = readCallbackMessage(event.data, expected);
          if (params) accept(params);
        };
        channels.push(channel);
        this.flow.onCleanup(() => channel.close());
      }
    });
  }

  private readonly checkClosed = (): void => {
    const focused = document.hasFocus() && document.visibilityState === 'visible';
    if (focused && !this.hadFocus) this.returnedAt = Date.now();
    this.hadFocus = focused;
    if (this.received || this.flow.settled || !this.popup.closed || this.graceTimer !== undefined) return;
    const now = Date.now();
    if (this.navigatedAt === undefined) {
      // Still our about:blank: nothing can sever it, the user closed it.
      this.flow.fail(new FlowCancelled('popup_closed'));
      return;
    }
    this.closedSeenAt ??= now;
    const returned = this.returnedAt > this.navigatedAt;
    const likelySevered = this.closedSeenAt - this.navigatedAt < SEVER_WINDOW_MS;
    if (returned || (!likelySevered && focused)) {
      this.graceTimer = setTimeout(() => {
        if (!this.received) this.flow.fail(new FlowCancelled('popup_closed'));
      }, GRACE_MS);
    }
  };
}

/** Tells the callback its message arrived, on the channel named from the state it carries. */
function ack(state: string, open: BroadcastChannel[]): void {
  if (typeof BroadcastChannel !== 'function') return;
  const name = CHANNEL_PREFIX + state;
  const message: AckMessage = { type: ACK_TYPE, state };
  const existing = open.find((channel) => channel.name === name);
  if (existing) {
    existing.postMessage(message);
  } else {
    const channel = new BroadcastChannel(name);
    channel.postMessage(message);
    channel.close();
  }
}
