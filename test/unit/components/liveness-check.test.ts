/**
 * `<idc-liveness-check>` in a real browser. Two seams, both said here:
 * - the camera: the element's `getCamera` property is handed a real `MediaStream` from a painted canvas
 *   (`canvas.captureStream()`), not Chromium's fake camera (that one needs launch flags; the e2e specs in
 *   test/e2e/liveness.spec.ts use it with face videos), and a getUserMedia that rejects with the browser's own
 *   `DOMException` names for the camera errors;
 * - the provider: a real multipart upload to a real route on the test server (test/unit/components/
 *   liveness-upload-route.mjs) that answers as the contract says; the provider's decision is tested elsewhere.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { emulateMedia, sendKeys } from '@web/test-runner-commands';
import '../../../src/components/liveness-check/define.js';
import type {
  IdcLivenessCheck,
  IdcLivenessCompleteDetail,
  IdcLivenessErrorDetail,
  LivenessTiming,
} from '../../../src/components/liveness-check/liveness-check.js';

/** Short durations so a whole capture takes about a second. */
const FAST: LivenessTiming = { position: 200, hold: 100, step: 300, settle: 1000, noFace: 1500, modelWait: 1500, start: 8000 };

interface Upload {
  contentType: string;
  frames: { type: string; size: number; jpeg: boolean }[];
  t: string[];
  fields: string[];
  count: number;
  fetchSite: string;
}

let seq = 0;
/** A fresh id per test for the upload route, so uploads of different tests never mix. */
const uid = (): string => `t${Date.now().toString(36)}${(seq++).toString(36)}`;

async function lastUpload(id: string): Promise<Upload | null> {
  const text = await (await fetch(`/__liveness/${id}/last`)).text(); // empty: nothing arrived
  return text ? (JSON.parse(text) as Upload) : null;
}

/**
 * A camera made of a canvas painted 30 times a second, with what it was asked: a face-coloured oval that moves (no
 * face for a face detector), or the given pictures in turn, each for 300 ms (the test faces of test/fixtures/faces).
 */
function canvasCamera(pictures: HTMLImageElement[] = []) {
  const canvas = document.createElement('canvas');
  canvas.width = 640;
  canvas.height = 480;
  const ctx = canvas.getContext('2d')!;
  let frame = 0;
  const t0 = performance.now();
  const paint = (): void => {
    if (pictures.length) {
      ctx.drawImage(pictures[Math.floor((performance.now() - t0) / 300) % pictures.length]!, 0, 0, 640, 480);
      return;
    }
    ctx.fillStyle = '#8a9bb0';
    ctx.fillRect(0, 0, 640, 480);
    ctx.fillStyle = '#d9a77f';
    ctx.beginPath();
    ctx.ellipse(320 + 40 * Math.sin(frame++ / 8), 220, 90, 120, 0, 0, 2 * Math.PI);
    ctx.fill();
  };
  paint();
  const timer = setInterval(paint, 33);
  const asked: MediaStreamConstraints[] = [];
  const streams: MediaStream[] = [];
  /** Firefox only: the media element whose captured stream is the camera (see `unplug`) */
  let source: HTMLVideoElement | undefined;
  return {
    asked,
    streams,
    get: async (constraints: MediaStreamConstraints): Promise<MediaStream> => {
      asked.push(constraints);
      let stream = canvas.captureStream(30);
      if (endsForReal) {
        source = document.createElement('video');
        source.muted = true;
        source.srcObject = stream;
        await source.play();
        stream = (source as FirefoxVideo).mozCaptureStream();
        await waitUntil(() => stream.getVideoTracks().length > 0, 'a captured video track');
      }
      streams.push(stream);
      return stream;
    },
    /**
     * The camera goes away while in use: its video track gets `ended`. In Firefox listeners added with
     * `addEventListener` on a `MediaStreamTrack` get trusted events only (a dispatched `ended` reaches `onended`
     * alone), so there the camera is a media element's captured stream of the canvas and the element's source is
     * taken away: Firefox ends the track itself and fires a trusted `ended`, as for an unplugged camera. Chromium and
     * WebKit deliver a dispatched `ended` to every listener.
     */
    unplug: (): void => {
      const track = streams.at(-1)!.getVideoTracks()[0]!;
      if (source) source.srcObject = null;
      else track.dispatchEvent(new Event('ended'));
    },
    close: () => {
      clearInterval(timer);
      if (source) source.srcObject = null;
    },
  };
}

type FirefoxVideo = HTMLVideoElement & { mozCaptureStream(): MediaStream };
/** Firefox can end a camera track for real from a page (`unplug` above); elsewhere the test dispatches the event. */
const endsForReal = 'mozCaptureStream' in HTMLMediaElement.prototype;

/** A getUserMedia that fails as the browser does (`DOMException` with that name). */
const failingCamera = (name: string) => (): Promise<MediaStream> => Promise.reject(new DOMException('camera test', name));

const $ = <T extends Element = HTMLElement>(el: HTMLElement, sel: string) => el.shadowRoot!.querySelector<T>(sel)!;
const button = (el: HTMLElement, part: string) => el.shadowRoot!.querySelector<HTMLButtonElement>(`[part~="${part}"]`);
const status = (el: HTMLElement) => $(el, '[part="guidance"]').textContent!.trim();
const alertText = (el: HTMLElement) => $(el, '[role="alert"]').textContent!.trim();

/** Every text the live region showed, in order (a change each), and when each appeared (`times`, performance.now()). */
function recordGuidance(el: IdcLivenessCheck): string[] & { times: number[] } {
  const seen = Object.assign([] as string[], { times: [] as number[] });
  const region = $(el, '[part="guidance"]');
  new MutationObserver(() => {
    const text = region.textContent!.trim();
    if (text && seen.at(-1) !== text) {
      seen.push(text);
      seen.times.push(performance.now());
    }
  }).observe(region, { subtree: true, characterData: true, childList: true });
  return seen;
}

/** How long the live region showed `text` (until the next text), ms. */
function shownFor(texts: ReturnType<typeof recordGuidance>, text: string): number {
  const i = texts.indexOf(text);
  return texts.times[i + 1]! - texts.times[i]!;
}

/** Media emulation needs the DevTools protocol: Chromium only here; elsewhere its case is skipped, not faked. */
const canEmulateMedia = /(?:\b|Headless)Chrome\//.test(navigator.userAgent);

let cameras: ReturnType<typeof canvasCamera>[] = [];
afterEach(async () => {
  for (const c of cameras) c.close();
  cameras = [];
  if (canEmulateMedia) await emulateMedia({ reducedMotion: 'no-preference' });
});

async function loadPictures(names: string[]): Promise<HTMLImageElement[]> {
  return Promise.all(
    names.map(async (name) => {
      const img = new Image();
      img.src = `/test/fixtures/faces/frames/${name}`;
      await img.decode();
      return img;
    }),
  );
}

async function check(
  answer: string,
  opts: { challenge?: string; lang?: string; modelBase?: string; id?: string; pictures?: HTMLImageElement[] } = {},
) {
  const id = opts.id ?? uid();
  const camera = canvasCamera(opts.pictures);
  cameras.push(camera);
  const el = await fixture<IdcLivenessCheck>(html`<div lang=${opts.lang ?? 'en'}>
    <idc-liveness-check session=${id} challenge=${opts.challenge ?? 'turn-left turn-right'}
      upload-url=${`/__liveness/${id}/${answer}`} model-base=${opts.modelBase ?? ''}></idc-liveness-check>
  </div>`).then((div) => div.querySelector('idc-liveness-check')!);
  el.getCamera = camera.get;
  el.timing = { ...FAST };
  return { el, id, camera };
}

describe('<idc-liveness-check>', function () {
  this.timeout(30_000);

  it('reads its attributes and starts idle: intro, Start and Cancel as native buttons, nothing asked yet', async () => {
    const { el, id, camera } = await check('passed');
    expect(el.session).to.equal(id);
    expect(el.challenge).to.deep.equal(['turn-left', 'turn-right']);
    expect(el.uploadUrl).to.equal(`/__liveness/${id}/passed`);
    expect(el.state).to.equal('idle');
    expect($(el, 'h1').textContent).to.equal('Take a quick selfie');
    expect(button(el, 'start-button')!.tagName).to.equal('BUTTON');
    expect(button(el, 'start-button')!.textContent!.trim()).to.equal('Start');
    expect(button(el, 'cancel-button')!.textContent!.trim()).to.equal('Cancel');
    expect($(el, '[part="preview"]').hidden).to.equal(true);
    expect($(el, '[part="guidance"]').getAttribute('aria-live')).to.equal('polite');
    expect(camera.asked).to.have.length(0);
    await expect(el).to.be.accessible();
  });

  it('by keyboard: Start, guidance through every challenge step, a multipart upload, idc-liveness-complete', async () => {
    const { el, id, camera } = await check('passed');
    const texts = recordGuidance(el);
    performance.clearMeasures('idc-liveness-capture');
    button(el, 'start-button')!.focus();
    const done = oneEvent(el, 'idc-liveness-complete');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => el.state === 'guiding', 'guiding');
    expect($(el, '[part="preview"]').hidden).to.equal(false);
    expect(el.shadowRoot!.activeElement, 'focus moves from Start to Cancel').to.equal(button(el, 'cancel-button'));
    await expect(el).to.be.accessible();
    const { detail } = (await done) as CustomEvent<IdcLivenessCompleteDetail>;
    expect(detail).to.deep.equal({ session: id });
    await el.updateComplete;
    expect(status(el)).to.equal('Done. Your selfie was sent for checking.');
    expect(texts).to.include.ordered.members([
      'Starting the camera…',
      'Place your face in the oval',
      'Hold still and look straight ahead',
      'Turn your head left',
      'Turn your head right',
    ]);
    expect(texts.slice(-2)).to.deep.equal(['Checking your selfie…', 'Done. Your selfie was sent for checking.']);
    // each step is shown long enough to be announced and followed (a stall stretches the capture, never skips a step)
    for (const step of ['Turn your head left', 'Turn your head right']) {
      expect(shownFor(texts, step), step).to.be.at.least(FAST.step / 2);
    }
    expect(button(el, 'cancel-button'), 'no Cancel once done').to.equal(null);
    expect(camera.asked[0]).to.deep.include({ audio: false });
    expect((camera.asked[0]!.video as MediaTrackConstraints).facingMode).to.equal('user');
    expect(camera.streams[0]!.getTracks().every((t) => t.readyState === 'ended'), 'camera stopped').to.equal(true);
    expect(button(el, 'cancel-button')).to.equal(null);
    await expect(el).to.be.accessible();

    const got = (await lastUpload(id))!;
    expect(got.contentType).to.match(/^multipart\/form-data; boundary=/);
    expect(got.fetchSite).to.equal('same-origin');
    expect(got.fields).to.deep.equal(['frame', 't']);
    expect(got.frames.length).to.be.within(8, 16);
    expect(got.t).to.have.length(got.frames.length);
    for (const f of got.frames) expect(f).to.deep.include({ type: 'image/jpeg', jpeg: true });
    const t = got.t.map(Number);
    expect(t.every((v, i) => Number.isInteger(v) && (i === 0 || v > t[i - 1]!)), `t ascending integers: ${got.t}`).to.equal(true);
    // the frames span the whole capture: the last one in the final hold, before the burst ended; the burst lasts at
    // least its nominal time and longer only when a stall on a busy machine stretched it (no step is cut short)
    const [burst] = performance.getEntriesByName('idc-liveness-capture');
    expect(burst!.duration).to.be.at.least(2 * FAST.hold + 2 * FAST.step);
    expect(t.at(-1)!).to.be.within(FAST.hold + 2 * FAST.step, burst!.duration);
  });

  it('a face mismatch: idc-error face_mismatch, the reason shown, Try again runs the retry session', async () => {
    const { el, id, camera } = await check('mismatch');
    const failed = oneEvent(el, 'idc-error');
    button(el, 'start-button')!.focus();
    await sendKeys({ press: 'Enter' });
    const { detail } = (await failed) as CustomEvent<IdcLivenessErrorDetail>;
    expect(detail).to.deep.include({ code: 'face_mismatch', reason: 'face_mismatch', retryable: true });
    await el.updateComplete;
    expect(alertText(el)).to.equal('Your face did not match the photo on your document.');
    expect(button(el, 'retry-button')!.textContent!.trim()).to.equal('Try again');
    await expect(el).to.be.accessible();
    expect(el.shadowRoot!.activeElement, 'focus on Try again after the failure').to.equal(button(el, 'retry-button'));

    const complete = oneEvent(el, 'idc-liveness-complete');
    button(el, 'retry-button')!.focus();
    await sendKeys({ press: 'Enter' });
    expect(((await complete) as CustomEvent<IdcLivenessCompleteDetail>).detail).to.deep.equal({ session: `${id}-2` });
    expect(el.session).to.equal(`${id}-2`);
    expect(el.challenge).to.deep.equal(['turn-right']);
    expect(camera.asked, 'a new capture for the new session').to.have.length(2);
    expect((await lastUpload(`${id}-2`))!.frames.length).to.be.within(8, 16);
  });

  it('while uploading: busy, Cancel keeps the focus but does nothing (no re-entry), then complete', async () => {
    const { el } = await check('slow');
    let cancelled = false;
    el.addEventListener('idc-cancel', () => (cancelled = true));
    const complete = oneEvent(el, 'idc-liveness-complete');
    button(el, 'start-button')!.click();
    await waitUntil(() => el.state === 'uploading', 'uploading', { timeout: 10_000 });
    await el.updateComplete;
    expect(status(el)).to.equal('Checking your selfie…');
    expect($(el, '[part="actions"]').getAttribute('aria-busy')).to.equal('true');
    const cancel = button(el, 'cancel-button')!;
    expect(cancel.getAttribute('aria-disabled')).to.equal('true');
    cancel.focus();
    await sendKeys({ press: 'Enter' });
    expect(el.state).to.equal('uploading');
    await expect(el).to.be.accessible();
    await complete;
    expect(cancelled).to.equal(false);
  });

  it('a static capture: liveness_failed challenge_not_met without a retry offer', async () => {
    const { el } = await check('static');
    const failed = oneEvent(el, 'idc-error');
    button(el, 'start-button')!.click();
    const { detail } = (await failed) as CustomEvent<IdcLivenessErrorDetail>;
    expect(detail).to.deep.include({ code: 'liveness_failed', reason: 'challenge_not_met', retryable: false });
    expect(alertText(el)).to.equal('The head movement was not seen. Follow each instruction while it is shown.');
    expect(button(el, 'retry-button')).to.equal(null);
    expect(button(el, 'cancel-button')).to.not.equal(null);
    await expect(el).to.be.accessible();
  });

  for (const [answer, reason] of [
    ['invalid', 'invalid_capture'],
    ['expired', 'session_expired'],
    ['throttled', 'too_many_attempts'],
  ] as const) {
    it(`the provider's ${reason}: liveness_failed, reason ${reason}, not retryable`, async () => {
      const { el } = await check(answer);
      const failed = oneEvent(el, 'idc-error');
      button(el, 'start-button')!.click();
      const { detail } = (await failed) as CustomEvent<IdcLivenessErrorDetail>;
      expect(detail).to.deep.include({ code: 'liveness_failed', reason, retryable: false });
      expect(alertText(el)).to.not.equal('');
      expect(button(el, 'retry-button')).to.equal(null);
    });
  }

  it('a 5xx is network: Try again sends the same capture once more, without the camera', async () => {
    const { el, id, camera } = await check('flaky');
    const failed = oneEvent(el, 'idc-error');
    button(el, 'start-button')!.click();
    const { detail } = (await failed) as CustomEvent<IdcLivenessErrorDetail>;
    expect(detail).to.deep.include({ code: 'network', retryable: true });
    expect(alertText(el)).to.equal('A network problem stopped the upload. Please try again.');
    const first = (await lastUpload(id))!;
    const complete = oneEvent(el, 'idc-liveness-complete');
    button(el, 'retry-button')!.click();
    await complete;
    const second = (await lastUpload(id))!;
    expect(second.count).to.equal(2);
    expect(second.t).to.deep.equal(first.t, 'the same frames');
    expect(camera.asked).to.have.length(1);
  });

  it('camera denied (NotAllowedError): camera_denied with Try again; SecurityError is the same', async () => {
    for (const name of ['NotAllowedError', 'SecurityError']) {
      const { el } = await check('passed');
      el.getCamera = failingCamera(name);
      const failed = oneEvent(el, 'idc-error');
      button(el, 'start-button')!.click();
      const { detail } = (await failed) as CustomEvent<IdcLivenessErrorDetail>;
      expect(detail, name).to.deep.include({ code: 'camera_denied', retryable: true });
      expect(alertText(el)).to.equal('Camera access is blocked. Allow the camera for this site in your browser, then try again.');
      expect(button(el, 'retry-button')).to.not.equal(null);
      await expect(el).to.be.accessible();
    }
  });

  it('no camera (NotFoundError, NotReadableError, OverconstrainedError): camera_unavailable', async () => {
    for (const name of ['NotFoundError', 'NotReadableError', 'OverconstrainedError']) {
      const { el } = await check('passed');
      el.getCamera = failingCamera(name);
      const failed = oneEvent(el, 'idc-error');
      button(el, 'start-button')!.click();
      expect(((await failed) as CustomEvent<IdcLivenessErrorDetail>).detail, name).to.deep.include({ code: 'camera_unavailable' });
    }
  });

  it('Cancel during the guidance: idc-cancel, the camera stops, back to Start', async () => {
    const { el, camera } = await check('passed');
    el.timing = { ...FAST, position: 5000 };
    button(el, 'start-button')!.click();
    await waitUntil(() => el.state === 'guiding', 'guiding');
    const cancelled = oneEvent(el, 'idc-cancel');
    button(el, 'cancel-button')!.focus();
    await sendKeys({ press: ' ' });
    expect(((await cancelled) as CustomEvent).detail).to.deep.equal({ reason: 'user' });
    expect(el.state).to.equal('idle');
    expect(camera.streams[0]!.getTracks().every((t) => t.readyState === 'ended')).to.equal(true);
    expect(button(el, 'start-button')).to.not.equal(null);
  });

  it('the camera ends while the check runs (unplugged): camera_unavailable', async () => {
    const { el, camera } = await check('passed');
    el.timing = { ...FAST, position: 5000 };
    button(el, 'start-button')!.click();
    await waitUntil(() => el.state === 'guiding', 'guiding');
    const failed = oneEvent(el, 'idc-error');
    const ended = oneEvent(camera.streams[0]!.getVideoTracks()[0]!, 'ended');
    camera.unplug(); // what the browser fires then
    expect(((await failed) as CustomEvent<IdcLivenessErrorDetail>).detail).to.deep.include({ code: 'camera_unavailable', retryable: true });
    if (endsForReal) expect((await ended).isTrusted, 'the browser ended the track').to.equal(true);
  });

  it('bad configuration is invalid_config before any camera: another origin, an unknown step, no session', async () => {
    const cases: [string, (el: IdcLivenessCheck) => void][] = [
      ['cross-origin upload', (el) => (el.uploadUrl = 'https://elsewhere.example/upload')],
      ['unknown step', (el) => (el.challenge = ['turn-left', 'blink'])],
      ['no session', (el) => (el.session = '')],
      ['cross-origin models', (el) => (el.modelBase = 'https://cdn.example/models/')],
    ];
    for (const [what, spoil] of cases) {
      const { el, camera } = await check('passed');
      spoil(el);
      const failed = oneEvent(el, 'idc-error');
      button(el, 'start-button')!.click();
      expect(((await failed) as CustomEvent<IdcLivenessErrorDetail>).detail, what).to.deep.include({ code: 'invalid_config' });
      expect(camera.asked, what).to.have.length(0);
    }
  });

  it('loads the model library only after Start, and guides by time when it cannot load', async () => {
    const modelBase = `/__no_such_model_dir__/${uid()}/`;
    const { el } = await check('passed', { modelBase: modelBase.slice(0, -1) }); // a directory, with or without its slash
    const fetched = () => performance.getEntriesByType('resource').filter((e) => e.name.includes(modelBase));
    await new Promise((r) => setTimeout(r, 200));
    expect(fetched(), 'nothing before Start').to.have.length(0);
    const complete = oneEvent(el, 'idc-liveness-complete');
    button(el, 'start-button')!.click();
    await complete;
    expect(fetched().map((e) => new URL(e.name).pathname)).to.include(`${modelBase}human.esm.js`);
  });

  describe('with the face model (the library from node_modules, in the layout the provider serves)', () => {
    const modelBase = '/__liveness-model/';

    it('finds the face, guides, and the capture runs', async function () {
      this.timeout(60_000);
      const frames = Array.from({ length: 16 }, (_, i) => `a-lrl-${String(i + 1).padStart(2, '0')}.jpg`);
      const { el } = await check('passed', { modelBase, pictures: await loadPictures(frames) });
      el.timing = { ...FAST, noFace: 20_000, modelWait: 20_000, start: 60_000 };
      const texts = recordGuidance(el);
      performance.clearMarks();
      performance.clearMeasures();
      const outcome = Promise.race([
        oneEvent(el, 'idc-liveness-complete').then(() => 'complete'),
        oneEvent(el, 'idc-error').then((e) => `error ${(e as CustomEvent<IdcLivenessErrorDetail>).detail.reason}`),
      ]);
      button(el, 'start-button')!.click();
      expect(await outcome).to.equal('complete');
      expect(performance.getEntriesByName('idc-liveness-model-ready'), 'the model loaded').to.have.length(1);
      expect(performance.getEntriesByName('idc-liveness-first-guidance'), 'a guidance frame').to.have.length(1);
      expect(performance.getEntriesByName('idc-liveness-detect').length).to.be.greaterThan(0);
      expect(texts).to.include('Turn your head left');
    });

    it('no face within the limit: liveness_failed, reason timeout, retryable', async () => {
      const { el, camera } = await check('passed', { modelBase });
      el.timing = { ...FAST, noFace: 500, modelWait: 20_000, start: 60_000 };
      const texts = recordGuidance(el);
      const failed = oneEvent(el, 'idc-error');
      button(el, 'start-button')!.click();
      const { detail } = (await failed) as CustomEvent<IdcLivenessErrorDetail>;
      expect(detail).to.deep.include({ code: 'liveness_failed', reason: 'timeout', retryable: true });
      expect(texts).to.include('Place your face in the oval');
      expect(alertText(el)).to.equal('That took too long. Please try again.');
      expect(camera.streams[0]!.getTracks().every((t) => t.readyState === 'ended'), 'camera stopped').to.equal(true);
      expect((await lastUpload(el.session)), 'nothing uploaded').to.equal(null);
    });
  });

  it('speaks Arabic right to left, and German', async () => {
    const ar = (await check('passed', { lang: 'ar' })).el;
    expect($(ar, '[part="base"]').getAttribute('dir')).to.equal('rtl');
    expect(button(ar, 'start-button')!.textContent!.trim()).to.equal('ابدأ');
    await expect(ar).to.be.accessible();
    const de = (await check('passed', { lang: 'de' })).el;
    const texts = recordGuidance(de);
    const complete = oneEvent(de, 'idc-liveness-complete');
    button(de, 'start-button')!.click();
    await complete;
    expect(texts).to.include('Drehen Sie den Kopf nach links');
    expect(texts).to.include('Drehen Sie den Kopf nach rechts');
  });

  (canEmulateMedia ? it : it.skip)('stops the oval pulse under reduced motion', async () => {
    const { el } = await check('passed');
    el.timing = { ...FAST, position: 5000 };
    button(el, 'start-button')!.click();
    await waitUntil(() => el.state === 'guiding', 'guiding');
    const oval = $(el, '[part~="oval"]');
    expect(parseFloat(getComputedStyle(oval).animationDuration)).to.be.greaterThan(1);
    await emulateMedia({ reducedMotion: 'reduce' });
    expect(parseFloat(getComputedStyle(oval).animationDuration)).to.be.lessThan(0.01);
    button(el, 'cancel-button')!.click();
  });
});
