import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
// The ownership check has its own define entry: idconnect-kit/define (which .storybook/preview.ts loads) leaves it out.
import '../src/components/liveness-check/define.js';
import { DEFAULT_TIMING, type GetCamera, type LivenessTiming } from '../src/components/liveness-check/liveness-check.js';
import { logged } from './support.js';

// One arg per attribute of the manifest, named as the property it sets, plus the two properties without an attribute
// (`getCamera`, `timing`) and `lang` for the story's wrapper; controls and descriptions come from custom-elements.json
// (.storybook/manifest-arg-types.ts). Events are logged in the Actions panel.
interface Args {
  session: string;
  challenge: string[];
  uploadUrl: string;
  modelBase: string;
  theme: 'light' | 'dark' | 'auto';
  lang: string;
  getCamera: GetCamera;
  timing: LivenessTiming;
}

/** The browser's answer where no camera is connected (Chromium rejects getUserMedia with NotFoundError). */
const noCamera: GetCamera = () => Promise.reject(new DOMException('Requested device not found', 'NotFoundError'));

/** The browser's answer when the user (or the page's permissions policy) blocks the camera. */
const cameraBlocked: GetCamera = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));

/**
 * Preview only: a camera made of a canvas (a drawn head that turns slowly), the same seam the component tests use
 * (`getCamera` hands the element any `MediaStream`). The drawing stops when the element stops the track.
 */
const drawnCamera: GetCamera = () => {
  const canvas = document.createElement('canvas');
  canvas.width = 640;
  canvas.height = 480;
  const g = canvas.getContext('2d')!;
  const stream = canvas.captureStream(15);
  const [track] = stream.getVideoTracks();
  const started = performance.now();
  const draw = (): void => {
    if (track?.readyState === 'ended') return;
    const turn = Math.sin((performance.now() - started) / 900) * 40;
    g.fillStyle = '#8fa3b8';
    g.fillRect(0, 0, 640, 480);
    g.fillStyle = '#e0b48f';
    g.beginPath();
    g.ellipse(320 + turn / 2, 240, 95, 125, 0, 0, 2 * Math.PI);
    g.fill();
    g.fillStyle = '#2b2b2b';
    for (const x of [-35, 35]) g.fillRect(310 + turn + x, 205, 20, 10);
    g.fillRect(305 + turn, 300, 30, 8);
    setTimeout(draw, 66);
  };
  draw();
  return Promise.resolve(stream);
};

/** The guidance step stays on screen: the capture (and with it the upload) never starts in the story. */
const holdGuidance: LivenessTiming = { ...DEFAULT_TIMING, position: 3_600_000, start: 3_600_000 };

/** Presses a button of the check (its own shadow DOM), by part name, once it has rendered. */
async function press(root: HTMLElement, part: 'start-button' | 'retry-button' | 'cancel-button'): Promise<void> {
  const el = root.querySelector('idc-liveness-check');
  await el?.updateComplete;
  el?.shadowRoot?.querySelector<HTMLButtonElement>(`[part~="${part}"]`)?.click();
}

const meta: Meta<Args> = {
  title: 'Provider/Liveness check',
  component: 'idc-liveness-check',
  tags: ['autodocs'],
  args: {
    session: 'storybook-session',
    challenge: ['turn-left', 'turn-right'],
    uploadUrl: '/liveness/storybook-session/capture',
    modelBase: '',
    theme: 'light',
    lang: 'en',
    getCamera: noCamera,
    timing: { ...DEFAULT_TIMING },
  },
  argTypes: {
    lang: {
      control: 'inline-radio',
      options: ['en', 'de', 'es', 'fr', 'ar'],
      description: 'Not an attribute of the element: the `lang` of a wrapper, which the element follows',
      table: { category: 'story' },
    },
    // A function: set by the stories (no camera, a blocked camera, a drawn one), not editable as JSON.
    getCamera: { control: false },
  },
  parameters: {
    docs: {
      description: {
        component:
          "The provider's ownership check: a short selfie capture over the provider's challenge, judged by the " +
          'provider alone (docs/security.md §42). The stories run without a camera: by default `getCamera` answers as ' +
          'a browser with no camera does, so **Start** ends in `idc-error` `camera_unavailable` (Actions panel) with ' +
          '**Try again**; **Cancel** is logged as `idc-cancel`. A real capture needs a camera and the provider’s ' +
          'upload URL (`npm start`, the provider’s selfie step); `idc-liveness-complete` is fired only on its answer.',
      },
    },
  },
  render: (a) => html`<div lang=${a.lang} dir=${a.lang === 'ar' ? 'rtl' : 'ltr'}>
    <idc-liveness-check
      session=${a.session}
      .challenge=${a.challenge}
      upload-url=${a.uploadUrl}
      model-base=${ifDefined(a.modelBase || undefined)}
      theme=${a.theme}
      .getCamera=${a.getCamera}
      .timing=${a.timing}
      @idc-liveness-complete=${logged(a, 'idc-liveness-complete')}
      @idc-error=${logged(a, 'idc-error')}
      @idc-cancel=${logged(a, 'idc-cancel')}
    ></idc-liveness-check>
  </div>`,
};
export default meta;

type Story = StoryObj<Args>;

/** Before Start: the title, what the check is for, Start and Cancel. Nothing asks for the camera yet. */
export const Intro: Story = {};

/** Started in a browser without a camera: `idc-error` `{ code: 'camera_unavailable', retryable: true }`, Try again. */
export const CameraUnavailable: Story = {
  play: async ({ canvasElement }) => press(canvasElement, 'start-button'),
};

/** The camera is blocked for the site: `idc-error` `{ code: 'camera_denied', retryable: true }`. */
export const CameraDenied: Story = {
  args: { getCamera: cameraBlocked },
  play: async ({ canvasElement }) => press(canvasElement, 'start-button'),
};

/** No session (or a challenge step it does not know, or a foreign upload URL): `invalid_config`, not retryable. */
export const InvalidConfig: Story = {
  name: 'Not configured',
  args: { session: '' },
  play: async ({ canvasElement }) => press(canvasElement, 'start-button'),
};

/**
 * The guidance step without a camera: a drawn picture as the stream, mirrored in the preview with the oval, the live
 * text "Place your face in the oval". Held there (a long `timing.position`), so nothing is captured or uploaded.
 */
export const Guidance: Story = {
  args: { getCamera: drawnCamera, timing: holdGuidance },
  play: async ({ canvasElement }) => press(canvasElement, 'start-button'),
};

/** Cancel on the intro: `idc-cancel` `{ reason: 'user' }` in the Actions panel; the check is back at its intro. */
export const Cancelled: Story = {
  play: async ({ canvasElement }) => press(canvasElement, 'cancel-button'),
};

export const Dark: Story = {
  args: { theme: 'dark' },
  play: async ({ canvasElement }) => press(canvasElement, 'start-button'),
  render: (a, ctx) => html`<div style="background:#16191d;padding:16px">${meta.render!(a, ctx)}</div>`,
};

export const Arabic: Story = {
  args: { lang: 'ar' },
  play: async ({ canvasElement }) => press(canvasElement, 'start-button'),
};

export const German: Story = { args: { lang: 'de' } };
