import { html, LitElement, type PropertyValues, type TemplateResult } from 'lit';
import { theme } from '../shared/theme.js';
import { emit } from '../shared/emit.js';
import type { IdcCancelDetail } from '../shared/events.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import { tableLang } from '../../i18n/localize.js';
import { livenessTable, type LivenessKey } from '../../i18n/tables/liveness-check.js';
import { screenStyles, textTheme } from '../consent-screen/screen.styles.js';
import { livenessCheckStyles } from './liveness-check.styles.js';
import {
  brightness,
  browserCamera,
  cameraFailure,
  CONSTRAINTS,
  drawFrame,
  encodeFrame,
  failure,
  MAX_FRAMES,
  MIN_FRAMES,
  sameOrigin,
  snapshot,
  STEPS,
  stopStream,
  upload,
  type ChallengeStep,
  type Failure,
  type Frame,
  type GetCamera,
  type IdcLivenessErrorDetail,
} from './capture.js';
import { loadGuide, type Guide, type Observation } from './guide.js';

export type { ChallengeStep, GetCamera, IdcLivenessErrorDetail, LivenessErrorCode, LivenessRetry } from './capture.js';

export interface IdcLivenessCompleteDetail {
  session: string;
}

/** Durations of the check, ms. */
export interface LivenessTiming {
  /** without a model: how long "Place your face in the oval" shows before the capture */
  position: number;
  /** "look straight ahead" before and after the challenge */
  hold: number;
  /** each challenge step */
  step: number;
  /** with a model: how long to wait for a well-placed face once one was seen, before capturing anyway */
  settle: number;
  /** with a model: no face seen for this long → `liveness_failed` / `timeout` */
  noFace: number;
  /** with a model: longest wait for the model before guiding by time alone */
  modelWait: number;
  /** the capture has not started after this long → `liveness_failed` / `timeout` */
  start: number;
}

export const DEFAULT_TIMING: Readonly<LivenessTiming> = {
  position: 1500,
  hold: 600,
  step: 1800,
  settle: 8000,
  noFace: 20_000,
  modelWait: 15_000,
  start: 60_000,
};

type Phase = 'idle' | 'starting' | 'guiding' | 'uploading' | 'done' | 'failed';
type Say = Extract<LivenessKey, `g_${string}`>;

/** Mean luma below which the text asks for more light. */
const DARK = 40;
/** Head turn (radians from the start of the capture) the guidance calls enough; the provider has its own threshold. */
const TURNED = 0.25;

/** Detection slower than this (ms) does not run during the capture. */
const FAST_DETECT = 150;

/** A capture phase whose end is noticed up to this late (ms) keeps the schedule; after a longer stall, the rest waits. */
const LATE = 50;

/** Thrown inside a run that was cancelled, failed or replaced: it ends quietly. */
const STOPPED = Symbol('stopped');

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const challengeConverter = {
  fromAttribute: (value: string | null): string[] => (value ?? '').split(/\s+/).filter(Boolean),
  toAttribute: (value: string[]): string => (Array.isArray(value) ? value.join(' ') : ''),
};

/**
 * @summary The ownership check: a short selfie capture with the provider's challenge, judged by the provider.
 *
 * **Start** asks for the user-facing camera and shows it mirrored with an oval; the text below it (an `aria-live`
 * region) guides: face in the oval, closer, more light, then each challenge step ("Turn your head left", …). A burst
 * of 8–16 JPEG frames is captured over the challenge and sent to `uploadUrl` (`multipart/form-data`, fields `frame`
 * and `t`); the provider's answer ends the check. With `modelBase`, face detection and mesh from the provider's model
 * library (`${modelBase}human.esm.js`, loaded only after Start) refine the guidance; without it the steps are timed.
 * Nothing the page concludes is sent or trusted (docs/security.md §42). **Cancel** and **Try again** are native
 * buttons; the oval's pulse stops under reduced motion.
 *
 * @event {CustomEvent<{session: string}>} idc-liveness-complete - The provider accepted the capture.
 * @event {CustomEvent<{code: string, message: string, retryable: boolean, reason?: string}>} idc-error - `camera_denied`,
 * `camera_unavailable`, `liveness_failed` (`reason`: `no_face`, `multiple_faces`, `challenge_not_met`,
 * `spoof_suspected`, `low_quality`, `timeout`, `invalid_capture`, `session_expired`, `too_many_attempts`),
 * `face_mismatch`, `network`, `invalid_config`.
 * @event {CustomEvent<{reason: 'user'}>} idc-cancel - The user pressed Cancel.
 *
 * @csspart base - The section around the whole check.
 * @csspart title - The heading (`h1`).
 * @csspart description - The introduction.
 * @csspart preview - The mirrored camera preview.
 * @csspart oval - The oval the face goes in.
 * @csspart guidance - The live guidance text.
 * @csspart error - Why the check stopped.
 * @csspart actions - The row of buttons.
 * @csspart start-button - Start.
 * @csspart retry-button - Try again.
 * @csspart cancel-button - Cancel.
 *
 * @cssproperty --idc-color-primary - Primary button and focus accents.
 * @cssproperty --idc-color-on-primary - Text on the primary button.
 * @cssproperty --idc-color-surface - Background.
 * @cssproperty --idc-color-text - Text color.
 * @cssproperty --idc-color-muted - Secondary text.
 * @cssproperty --idc-color-border - Card border.
 * @cssproperty --idc-color-danger - The error text.
 * @cssproperty --idc-color-focus - Focus ring.
 * @cssproperty --idc-radius - Corner radius.
 * @cssproperty --idc-font-family - Font.
 * @cssproperty --idc-font-size - Base font size.
 * @cssproperty --idc-screen-max-width - Maximum inline size of the card (default 34rem).
 * @cssproperty --idc-screen-padding - Padding of the card (default 1.5rem).
 * @cssproperty --idc-liveness-oval-color - The oval (default white).
 * @cssproperty --idc-liveness-oval-ok-color - The oval around a well-placed face (default green).
 */
export class IdcLivenessCheck extends LitElement {
  static override styles = [theme, textTheme, screenStyles, livenessCheckStyles];

  static override properties = {
    session: {},
    challenge: { converter: challengeConverter },
    uploadUrl: { attribute: 'upload-url' },
    modelBase: { attribute: 'model-base' },
    theme: { reflect: true },
    // internal state (`attribute: false` spelled out so the manifest does not list them as attributes)
    phase: { state: true, attribute: false },
    say: { state: true, attribute: false },
    error: { state: true, attribute: false },
    placed: { state: true, attribute: false },
  };

  /** The provider's capture session id (single-use). */
  session = '';

  /** The provider's challenge, in order (attribute: space-separated), from `turn-left`, `turn-right`. */
  challenge: string[] = [];

  /** Where the capture goes: a same-origin URL (attribute `upload-url`). */
  uploadUrl = '';

  /** Optional same-origin URL directory with `human.esm.js` and `models/` for guidance (attribute `model-base`). */
  modelBase?: string;

  /** `light`, `dark` or `auto` (follows the system). */
  theme: 'light' | 'dark' | 'auto' = 'auto';

  /**
   * Opens the camera. The browser's getUserMedia by default; a page or a test can hand in another source of a
   * `MediaStream` (the component tests give a canvas's `captureStream()`).
   */
  getCamera: GetCamera = browserCamera;

  /** Durations of the check (ms); tests shorten them. */
  timing: LivenessTiming = { ...DEFAULT_TIMING };

  private phase: Phase = 'idle';
  private say?: Say;
  private error?: Failure;
  /** the model sees one well-placed face */
  private placed = false;

  /** Bumped by every start, failure, cancel and disconnect: work of an older run stops at its next step. */
  private run = 0;
  private stream?: MediaStream;
  private timers: ReturnType<typeof setTimeout>[] = [];
  /** the frames of a capture whose upload failed on the network: sent again once */
  private frames?: Frame[];
  private sends = 0;
  /** how long the last guidance detection took, ms */
  private detectMs = 0;
  private hadFocus = false;
  /** the guidance's small canvas, made on first use (no DOM work in the constructor) */
  private canvas?: HTMLCanvasElement;
  private readonly l10n = new LocalizeController(this, livenessTable);

  /** Where the check is: `idle`, `starting`, `guiding`, `uploading`, `done` or `failed` (read-only). */
  get state(): Phase {
    return this.phase;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stop();
  }

  private get small(): HTMLCanvasElement {
    return (this.canvas ??= document.createElement('canvas'));
  }

  private get video(): HTMLVideoElement {
    return this.renderRoot.querySelector('video')!;
  }

  /** Ends whatever runs now: the camera, the timers, any awaited step (it sees a newer run). */
  private stop(): void {
    this.run++;
    stopStream(this.stream);
    this.stream = undefined;
    for (const id of this.timers) clearTimeout(id);
    this.timers = [];
    const video = this.renderRoot?.querySelector('video');
    if (video) video.srcObject = null;
    this.placed = false;
  }

  private check(run: number): void {
    if (run !== this.run) throw STOPPED;
  }

  private fail(f: Failure): void {
    this.stop();
    this.phase = 'failed';
    this.error = f;
    this.say = undefined;
    const detail: IdcLivenessErrorDetail = { code: f.code, message: f.message, retryable: f.retryable, reason: f.reason };
    emit<IdcLivenessErrorDetail>(this, 'idc-error', detail);
  }

  private steps(): ChallengeStep[] | undefined {
    const list = Array.isArray(this.challenge) ? this.challenge : [];
    if (!list.length || list.length > 4) return undefined;
    return list.every((s) => (STEPS as readonly string[]).includes(s)) ? (list as ChallengeStep[]) : undefined;
  }

  private readonly onStart = (): void => {
    if (this.phase === 'idle' || this.phase === 'failed') void this.begin();
  };

  private readonly onRetry = (): void => {
    const f = this.error;
    if (this.phase !== 'failed' || !f?.retryable) return;
    if (f.retry) {
      this.session = f.retry.session;
      this.challenge = f.retry.challenge;
      this.uploadUrl = f.retry.uploadUrl;
      this.frames = undefined;
    }
    if (f.code === 'network' && this.frames) {
      this.run++;
      this.error = undefined;
      void this.send(this.run, this.frames);
    } else {
      void this.begin();
    }
  };

  private readonly onCancel = (): void => {
    if (this.phase === 'uploading') return;
    this.stop();
    this.phase = 'idle';
    this.error = undefined;
    this.say = undefined;
    this.frames = undefined;
    emit<IdcCancelDetail>(this, 'idc-cancel', { reason: 'user' });
  };

  private async begin(): Promise<void> {
    this.stop();
    const run = this.run;
    this.error = undefined;
    this.frames = undefined;
    const url = sameOrigin(this.uploadUrl);
    // a directory: `/assets/liveness` means `/assets/liveness/`
    const modelBase = this.modelBase ? sameOrigin(this.modelBase.replace(/\/?$/, '/')) : undefined;
    const steps = this.steps();
    if (!this.session || !url || !steps || (this.modelBase && !modelBase)) {
      this.fail(failure('invalid_config', 'invalid_config'));
      return;
    }
    performance.mark('idc-liveness-start');
    this.phase = 'starting';
    this.timers.push(setTimeout(() => run === this.run && this.fail(failure('liveness_failed', 'timeout')), this.timing.start));
    try {
      let stream: MediaStream;
      try {
        stream = await this.getCamera(CONSTRAINTS);
      } catch (err) {
        this.check(run);
        this.fail(cameraFailure(err));
        return;
      }
      if (run !== this.run) {
        stopStream(stream);
        return;
      }
      this.stream = stream;
      // the camera unplugged or taken by the system while the check runs
      const ended = (): void => void (run === this.run && this.fail(failure('camera_unavailable', 'camera_unavailable')));
      for (const track of stream.getVideoTracks()) track.addEventListener('ended', ended, { once: true });
      this.phase = 'guiding';
      this.say = 'g_position';
      await this.updateComplete;
      const video = this.video;
      video.srcObject = stream;
      await video.play().catch(() => undefined); // muted inline video: the frames come either way
      await this.firstFrame(run, video);
      const guide = await this.position(run, modelBase);
      const frames = await this.capture(run, steps, guide);
      stopStream(this.stream);
      await this.send(run, frames);
    } catch (err) {
      if (err !== STOPPED) throw err;
    }
  }

  private async firstFrame(run: number, video: HTMLVideoElement): Promise<void> {
    for (let waited = 0; !video.videoWidth; waited += 50) {
      this.check(run);
      if (waited > 5000) {
        this.fail(failure('camera_unavailable', 'camera_unavailable'));
        throw STOPPED;
      }
      await sleep(50);
    }
  }

  /** Shows `key` in the live region (a change only: the same text is not announced again). */
  private tell(key: Say): void {
    if (this.say !== key) this.say = key;
  }

  private dark(): boolean {
    return (brightness(this.video, this.small) ?? 255) < DARK;
  }

  private async observe(guide: Guide): Promise<Observation | undefined> {
    if (!drawFrame(this.video, this.small, 320)) return undefined;
    const obs = await guide.observe(this.small);
    this.detectMs = obs.ms;
    performance.measure('idc-liveness-detect', { start: performance.now() - obs.ms, duration: obs.ms });
    return obs;
  }

  /**
   * Before the capture: the face into the oval. With a model, until one face is well placed (or, once a face was
   * seen, `settle` ms: the provider judges what it gets); no face for `noFace` ms is a timeout. Without, timed.
   */
  private async position(run: number, modelBase: string | undefined): Promise<Guide | undefined> {
    let guide: Guide | undefined;
    let loaded = !modelBase;
    if (modelBase) {
      loadGuide(modelBase).then(
        (g) => ((guide = g), (loaded = true), performance.mark('idc-liveness-model-ready')),
        () => (loaded = true), // guidance by time alone
      );
    }
    const t0 = performance.now();
    for (;;) {
      this.check(run);
      const elapsed = performance.now() - t0;
      if (!loaded && elapsed < this.timing.modelWait) {
        this.tell(this.dark() ? 'g_light' : 'g_position');
        await sleep(100);
      } else break;
    }
    if (!guide) {
      const end = performance.now() + this.timing.position;
      while (performance.now() < end) {
        this.check(run);
        this.tell(this.dark() ? 'g_light' : 'g_position');
        await sleep(Math.min(250, Math.max(0, end - performance.now())));
      }
      return undefined;
    }
    const t1 = performance.now();
    let seen: number | undefined;
    let good = 0;
    for (let first = true; ; first = false) {
      this.check(run);
      const obs = await this.observe(guide);
      this.check(run);
      if (first) performance.mark('idc-liveness-first-guidance');
      const now = performance.now();
      if (obs && obs.faces > 0) seen ??= now;
      const dark = this.dark();
      const placed = !!obs && obs.faces === 1 && obs.centred && !obs.far && !dark;
      this.placed = placed;
      good = placed ? good + 1 : 0;
      if (good >= 1 || (seen !== undefined && now - seen > this.timing.settle)) return guide;
      if (seen === undefined && now - t1 > this.timing.noFace) {
        this.fail(failure('liveness_failed', 'timeout'));
        throw STOPPED;
      }
      this.tell(
        !obs || obs.faces === 0 ? 'g_position' : obs.faces > 1 ? 'g_one_face' : dark ? 'g_light' : obs.far ? 'g_closer' : placed ? 'g_hold' : 'g_position',
      );
      await sleep(60);
    }
  }

  /**
   * The burst: `hold`, each step, `hold` again, with 8–16 frames spread evenly over it. The text follows the phases;
   * with a model it also says "Turn a little further" in a step where the head has not turned yet. Every phase's text
   * is shown, and for its duration from when it appears: a stall (a busy machine, a slow frame copy) stretches the
   * capture instead of skipping a step, so a screen reader announces each instruction while it is still the one to
   * follow. The frames' `t` stay real times since the start; they are encoded as JPEG after the burst.
   */
  private async capture(run: number, steps: ChallengeStep[], guide: Guide | undefined): Promise<Frame[]> {
    clearTimeout(this.timers.shift()); // the capture started: the start timeout is over
    const { hold, step } = this.timing;
    const phases = [hold, ...steps.map(() => step), hold];
    const total = phases.reduce((a, b) => a + b, 0);
    const count = Math.min(MAX_FRAMES, Math.max(MIN_FRAMES, 4 + 5 * steps.length));
    const shots: { canvas: HTMLCanvasElement; t: number }[] = [];
    let last: Observation | undefined;
    let baseline: number | undefined;
    let watching = false;
    const t0 = performance.now();
    /** the phase shown now (0: hold, 1…n: the steps, n + 1: hold), since when, and the phases' time before it */
    let phase = 0;
    let since = t0;
    let before = 0;
    const watch = (): void => {
      // A slow detection (a CPU backend, a busy machine) would hold up the frames' timing: the text then follows the time.
      if (!guide || watching || this.detectMs > FAST_DETECT) return;
      watching = true;
      const inHold = phase === 0;
      this.observe(guide)
        .then((obs) => {
          last = obs;
          if (obs?.yaw !== undefined && inHold) baseline = obs.yaw;
        })
        .catch(() => undefined)
        .finally(() => (watching = false));
    };
    const text = (within: number): Say => {
      const i = phase - 1;
      if (i < 0 || i >= steps.length) return 'g_hold';
      if (last && last.faces === 0) return 'g_position';
      if (last && last.faces > 1) return 'g_one_face';
      if (last?.yaw !== undefined && baseline !== undefined && within > step / 2) {
        return Math.abs(last.yaw - baseline) >= TURNED ? 'g_good' : 'g_further';
      }
      return `g_${steps[i]!}`;
    };
    /** Moves on by one phase at most when the current one has run its time; the capture's progress, ms of `total`. */
    const progress = (): number => {
      const now = performance.now();
      if (now - since >= phases[phase]! && phase < phases.length - 1) {
        // on time (a timer's usual lateness) the schedule holds; after a stall the next phase gets its time, less `LATE`
        since = Math.max(since + phases[phase]!, now - LATE);
        before += phases[phase]!;
        phase++;
      }
      const within = Math.min(now - since, phases[phase]!);
      this.tell(text(within));
      return before + within;
    };
    for (let k = 0; k <= count; k++) {
      const at = k < count ? ((k + 0.5) * total) / count : total;
      for (;;) {
        this.check(run);
        const done = progress();
        if (done >= at) break;
        watch();
        await sleep(Math.min(100, at - done));
      }
      if (k < count) {
        const t = performance.now() - t0;
        const canvas = snapshot(this.video);
        if (canvas) shots.push({ canvas, t });
        await sleep(0); // never grab back to back: the page renders (a new text reaches the live region) in between
      }
    }
    performance.measure('idc-liveness-capture', { start: t0, end: performance.now() });
    const frames: Frame[] = [];
    for (const { canvas, t } of shots) {
      this.check(run);
      const blob = await encodeFrame(canvas);
      if (blob) frames.push({ blob, t });
    }
    this.check(run);
    if (frames.length < MIN_FRAMES) {
      this.fail(failure('camera_unavailable', 'camera_unavailable'));
      throw STOPPED;
    }
    return frames;
  }

  private async send(run: number, frames: Frame[]): Promise<void> {
    this.phase = 'uploading';
    this.say = undefined;
    this.sends = this.frames === frames ? this.sends + 1 : 1;
    this.frames = frames;
    const result = await upload(sameOrigin(this.uploadUrl)!, this.session, frames);
    if (run !== this.run) return;
    if (result.passed) {
      this.frames = undefined;
      this.phase = 'done';
      emit<IdcLivenessCompleteDetail>(this, 'idc-liveness-complete', { session: result.session });
      return;
    }
    const f = result.failure;
    if (!(f.code === 'network' && this.sends < 2)) this.frames = undefined; // the same capture goes again once
    this.fail(f);
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('phase')) this.hadFocus = this.matches(':focus-within');
  }

  protected override updated(changed: PropertyValues): void {
    // Focus follows the user's next step: Try again after a failure that offers it; otherwise, when the focused
    // button is gone (Start once the check runs), the next button there is.
    if (!changed.has('phase') || !this.hadFocus) return;
    const retry = this.renderRoot.querySelector<HTMLButtonElement>('[part~="retry-button"]');
    if (retry) return retry.focus();
    if (this.matches(':focus-within')) return;
    for (const part of ['start-button', 'cancel-button']) {
      const next = this.renderRoot.querySelector<HTMLButtonElement>(`[part~="${part}"]`);
      if (next) return next.focus();
    }
  }

  private status(): string {
    const t = this.l10n.t.bind(this.l10n);
    switch (this.phase) {
      case 'starting':
        return t('starting');
      case 'guiding':
        return this.say ? t(this.say) : '';
      case 'uploading':
        return t('uploading');
      case 'done':
        return t('done');
      default:
        return '';
    }
  }

  protected override render(): TemplateResult {
    const t = this.l10n.t.bind(this.l10n);
    const { phase, error } = this;
    const busy = phase === 'starting' || phase === 'uploading';
    const canStart = phase === 'idle';
    const canRetry = phase === 'failed' && !!error?.retryable;
    return html`<section part="base" class="base" aria-labelledby="title" dir=${this.l10n.dir}
      lang=${tableLang(this.l10n.locale)}>
      <h1 id="title" part="title">${t('title')}</h1>
      <p part="description" ?hidden=${phase !== 'idle'}>${t('intro')}</p>
      <div part="preview" class="preview" role="img" aria-label=${t('preview')} ?hidden=${phase !== 'guiding'}>
        <video muted playsinline aria-hidden="true"></video>
        <div part="oval" class="oval ${this.placed ? 'ok' : ''}"></div>
      </div>
      <p part="guidance" class="guidance" role="status" aria-live="polite">${this.status()}</p>
      <p part="error" class="error" role="alert">${error ? t(`r_${error.reason}`) : ''}</p>
      <div part="actions" class="actions" aria-busy=${busy}>
        ${phase === 'done'
          ? ''
          : // aria-disabled while uploading (not disabled): the button keeps the focus until the answer comes
            html`<button part="cancel-button" type="button" aria-disabled=${phase === 'uploading'} @click=${this.onCancel}>
              ${t('cancel')}
            </button>`}
        ${canStart ? html`<button part="start-button" class="primary" type="button" @click=${this.onStart}>${t('start')}</button>` : ''}
        ${canRetry ? html`<button part="retry-button" class="primary" type="button" @click=${this.onRetry}>${t('retry')}</button>` : ''}
      </div>
    </section>`;
  }
}

declare global {
  interface HTMLElementEventMap {
    'idc-liveness-complete': CustomEvent<IdcLivenessCompleteDetail>;
  }
}
