/**
 * The main thread's side of the face models: one worker thread (worker.ts), started on first use, requests answered
 * in order. Inference and decoding run there, so the provider keeps answering while a capture is analysed
 * (docs/security.md §42). A worker that dies is replaced on the next request; what it had in hand is refused.
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FrameAnalysis } from './decide.js';

export type WorkerRequest =
  | {
      id: number;
      type: 'analyze';
      frames: { t: number; bytes: Uint8Array }[];
      /** the document photo (sanitized JPEG or PNG) the best frame is matched against */
      reference?: { type: string; bytes: Uint8Array };
      limits: { maxWidth: number; maxHeight: number };
      /** measurement only (bench/liveness.mjs): the similarity of every frame's face, not just the best one's */
      describeAll?: boolean;
    }
  | { id: number; type: 'info' };

export interface EngineInfo {
  loadMs: number;
  /** bytes read per model (JSON + weights) */
  modelBytes: Record<string, number>;
  backend: string;
}

export interface Analysis {
  frames: FrameAnalysis[];
  /** faces found on the document photo */
  referenceFaces: number;
  timings: { totalMs: number; decodeMs: number; framesAnalysed: number };
}

export type WorkerReply =
  | ({ id: number; ok: true } & Analysis)
  | { id: number; ok: true; info: EngineInfo }
  | { id: number; ok: false; code: 'invalid_capture' | 'reference_unreadable' | 'analysis_failed'; detail?: string; index?: number };

/** A refusal from the worker: `invalid_capture` (a frame that is no readable JPEG in bounds) or a failure. */
export class AnalysisError extends Error {
  constructor(
    readonly code: 'invalid_capture' | 'reference_unreadable' | 'analysis_failed' | 'busy',
    readonly detail?: string,
    readonly index?: number,
  ) {
    super(detail ? `${code}: ${detail}` : code);
  }
}

/** Run from TypeScript sources (tsx, as the demo and the tests do), the worker loads them through tsx too. */
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(`./worker${FROM_SOURCE ? '.ts' : '.js'}`, import.meta.url);
const TSX_API = FROM_SOURCE ? import.meta.resolve('tsx/esm/api') : '';

export class LivenessEngine {
  #worker: Worker | undefined;
  #nextId = 1;
  readonly #pending = new Map<number, { resolve: (reply: WorkerReply) => void; reject: (err: Error) => void }>();
  readonly #maxQueue: number;
  readonly #timeoutMs: number;

  constructor(options: { maxQueue?: number; timeoutMs?: number } = {}) {
    this.#maxQueue = options.maxQueue ?? 8;
    this.#timeoutMs = options.timeoutMs ?? 120_000;
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = FROM_SOURCE
      ? // the sources need tsx's loader in the worker too: register it there, then import the worker module
        new Worker(
          `import(${JSON.stringify(TSX_API)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); })`,
          { eval: true },
        )
      : new Worker(fileURLToPath(WORKER_URL));
    worker.unref();
    worker.on('message', (reply: WorkerReply) => {
      const waiting = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      waiting?.resolve(reply);
    });
    const fail = (err: Error) => {
      if (this.#worker === worker) this.#worker = undefined;
      for (const waiting of this.#pending.values()) waiting.reject(new AnalysisError('analysis_failed', err.message));
      this.#pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the face-model worker exited (${code})`)));
    this.#worker = worker;
    return worker;
  }

  #send(request: Omit<Extract<WorkerRequest, { type: 'analyze' }>, 'id'> | Omit<Extract<WorkerRequest, { type: 'info' }>, 'id'>): Promise<WorkerReply> {
    if (this.#pending.size >= this.#maxQueue) return Promise.reject(new AnalysisError('busy'));
    const worker = this.#start();
    const id = this.#nextId++;
    return new Promise<WorkerReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new AnalysisError('analysis_failed', 'the analysis took too long'));
      }, this.#timeoutMs);
      timer.unref();
      this.#pending.set(id, {
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      });
      worker.postMessage({ ...request, id });
    });
  }

  /** Requests waiting or running reach the queue's cap: a new one would be refused. */
  get full(): boolean {
    return this.#pending.size >= this.#maxQueue;
  }

  /** Runs the models on every frame (and the document photo); rejects with an {@link AnalysisError}. */
  async analyze(
    frames: { t: number; bytes: Uint8Array }[],
    reference: { type: string; bytes: Uint8Array } | undefined,
    limits: { maxWidth: number; maxHeight: number },
    options: { describeAll?: boolean } = {},
  ): Promise<Analysis> {
    const reply = await this.#send({ type: 'analyze', frames, ...(reference ? { reference } : {}), limits, ...options });
    if (!reply.ok) throw new AnalysisError(reply.code, reply.detail, reply.index);
    if (!('frames' in reply)) throw new AnalysisError('analysis_failed', 'unexpected reply');
    return { frames: reply.frames, referenceFaces: reply.referenceFaces, timings: reply.timings };
  }

  /** Loads the models (when not yet loaded) and says what was loaded and how long it took. */
  async info(): Promise<EngineInfo> {
    const reply = await this.#send({ type: 'info' });
    if (!reply.ok) throw new AnalysisError(reply.code, reply.detail);
    if (!('info' in reply)) throw new AnalysisError('analysis_failed', 'unexpected reply');
    return reply.info;
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }
}
