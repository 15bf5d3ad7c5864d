/**
 * Anti-clickjacking gate for a consent button (docs/security.md §27).
 *
 * The button is armed only after its target (the decision buttons) has been on screen — intersecting the viewport,
 * and, where the browser supports IntersectionObserver v2, not covered, faded or transformed — while the page is
 * visible and focused, without interruption, for `delay()` milliseconds, and the host is not `paused()`. Losing any
 * of these disarms it at once and the delay starts over when all of them hold again.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export const ARM_DELAY_MIN = 300;
export const ARM_DELAY_MAX = 1000;

/** Clamps a delay into 300–1000 ms (non-numbers give the default of 500 ms). */
export function clampArmDelay(value: unknown): number {
  const n = Number(value);
  if (!Number.isFinite(n)) return 500;
  return Math.min(ARM_DELAY_MAX, Math.max(ARM_DELAY_MIN, n));
}

export class ArmingController implements ReactiveController {
  /** True once the conditions have held for the whole delay. */
  armed = false;

  private onScreen = false;
  private focused = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private observer: IntersectionObserver | undefined;
  private observed: Element | undefined;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly target: () => Element | null | undefined,
    private readonly delay: () => number,
    /** True while the host does not accept a decision (pending): the button stays unarmed. */
    private readonly paused: () => boolean = () => false,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.focused = document.hasFocus();
    this.listen('addEventListener');
    this.hostUpdated(); // reconnected: observe the already rendered target again
  }

  hostUpdated(): void {
    const target = this.target();
    if (!target || target === this.observed) return;
    this.observer?.disconnect();
    this.observed = target;
    // trackVisibility (IntersectionObserver v2, Chromium) also reports occlusion, opacity and transforms; elsewhere
    // isVisible is undefined and intersection alone counts.
    this.observer = new IntersectionObserver(
      (entries) => {
        const entry = entries[entries.length - 1] as IntersectionObserverEntry & { isVisible?: boolean };
        this.onScreen = entry.isIntersecting && entry.isVisible !== false;
        this.evaluate();
      },
      { trackVisibility: true, delay: 100 } as IntersectionObserverInit,
    );
    this.observer.observe(target);
  }

  hostDisconnected(): void {
    this.listen('removeEventListener');
    this.observer?.disconnect();
    this.observed = this.observer = undefined;
    this.onScreen = false;
    this.disarm();
  }

  private listen(method: 'addEventListener' | 'removeEventListener'): void {
    window[method]('focus', this.onFocus);
    window[method]('blur', this.onBlur);
    // pagehide/pageshow (back/forward cache) also change visibilityState and fire visibilitychange.
    document[method]('visibilitychange', this.evaluate);
  }

  /** Forgets any progress: the full delay runs again (after a decision was reset, for instance). */
  restart(): void {
    this.disarm();
    this.evaluate();
  }

  private readonly onFocus = (): void => {
    this.focused = document.hasFocus();
    this.evaluate();
  };

  private readonly onBlur = (): void => {
    this.focused = false;
    this.evaluate();
  };

  private readonly evaluate = (): void => {
    const ready = this.onScreen && this.focused && document.visibilityState === 'visible' && !this.paused();
    if (!ready) return this.disarm();
    if (this.armed || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.armed = true;
      this.host.requestUpdate();
    }, this.delay());
  };

  private disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.armed) {
      this.armed = false;
      this.host.requestUpdate();
    }
  }
}
