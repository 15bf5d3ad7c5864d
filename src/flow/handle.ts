/**
 * One running flow: settles once, and on settling runs every cleanup it was given (close the popup, remove
 * listeners, timers, channels and the stored transaction) — on success, error, cancel, abort and timeout alike
 * (items 3, 7, 8). After settling nothing can deliver a late result.
 */
import { FlowCancelled, IdcError, toIdcError } from './errors.js';
import type { Launch } from './launch.js';
import { loadRun, type Run } from './load-run.js';
import type { FlowHandle } from './types.js';

export class Flow<T> implements FlowHandle<T> {
  readonly result: Promise<T>;
  /** The popup, when there is one: `focus()` brings it to the front. */
  popup?: Window;
  private resolveResult!: (value: T) => void;
  private rejectResult!: (reason: unknown) => void;
  private cleanups: (() => unknown)[] = [];
  private done = false;

  constructor(options: { timeoutMs?: number; signal?: AbortSignal } = {}) {
    this.result = new Promise<T>((resolve, reject) => {
      this.resolveResult = resolve;
      this.rejectResult = reject;
    });
    const { signal, timeoutMs } = options;
    if (signal) {
      if (signal.aborted) {
        this.fail(new FlowCancelled('aborted'));
        return;
      }
      const onAbort = () => this.fail(new FlowCancelled('aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
      this.onCleanup(() => signal.removeEventListener('abort', onAbort));
    }
    if (timeoutMs !== undefined) this.setTimeout(timeoutMs);
  }

  get settled(): boolean {
    return this.done;
  }

  /** (Re)arms the flow's timeout: `timeout` error and everything released when it fires. */
  setTimeout(ms: number): void {
    const timer = setTimeout(() => this.fail(new IdcError('timeout')), ms);
    this.onCleanup(() => clearTimeout(timer));
  }

  /** Registers a cleanup; runs it at once when the flow already settled. */
  onCleanup(cleanup: () => unknown): void {
    if (this.done) runQuietly(cleanup);
    else this.cleanups.push(cleanup);
  }

  succeed(value: T): void {
    if (this.finish()) this.resolveResult(value);
  }

  fail(reason: unknown): void {
    if (this.finish()) this.rejectResult(reason);
  }

  focus(): void {
    const popup = this.popup;
    if (popup && !popup.closed) popup.focus();
  }

  cancel(): void {
    this.fail(new FlowCancelled('aborted'));
  }

  private finish(): boolean {
    if (this.done) return false;
    this.done = true;
    const cleanups = this.cleanups.reverse();
    this.cleanups = [];
    for (const cleanup of cleanups) runQuietly(cleanup);
    return true;
  }
}

function runQuietly(cleanup: () => unknown): void {
  try {
    const value = cleanup();
    if (value instanceof Promise) value.catch(() => {});
  } catch {
    // A cleanup must not stop the others.
  }
}

/** The flow of what `launch()` started (or refused): an open popup belongs to it from now on, closed when it ends. */
export function adoptLaunch<T>(launched: Launch, signal: unknown): Flow<T> {
  const flow = new Flow<T>(launched.path === 'none' ? {} : { signal: signal as AbortSignal | undefined });
  if (launched.path === 'popup') {
    const popup = launched.popup;
    flow.popup = popup;
    flow.onCleanup(() => popup.closed || popup.close());
  }
  return flow;
}

/**
 * The handle of a flow `launch()` started (or refused), handed to the lazy half (run.ts) once that has loaded. An
 * open popup belongs to the handle at once: a second click focuses it, and a cancel, an abort or a failed load
 * closes it.
 */
export function startFlow<T>(launched: Launch, signal: unknown, run: (loaded: Run, flow: Flow<T>) => void): Flow<T> {
  const flow = adoptLaunch<T>(launched, signal);
  if (!flow.settled) {
    loadRun().then(
      (loaded) => run(loaded, flow),
      (err: unknown) => flow.fail(toIdcError(err)),
    );
  }
  return flow;
}
