/**
 * Optional guidance by model: the provider serves a face model library (`${modelBase}human.esm.js` and its
 * `models/`), loaded here with a dynamic import of that URL only when the check starts — never bundled into a kit
 * file, never on a first paint. Only face detection and the face mesh run (for "face in the oval", distance and head
 * turn); what they conclude only picks the text shown. The provider decides on the uploaded frames
 * (docs/security.md §42).
 */

/** What the guidance sees in one video frame. */
export interface Observation {
  faces: number;
  /** the face's centre is near the oval's */
  centred: boolean;
  /** the face is too small in the picture */
  far: boolean;
  /** head yaw in radians (0 facing the camera), when the mesh gave one */
  yaw?: number;
  /** time this frame's detection took, ms */
  ms: number;
}

export interface Guide {
  observe(source: HTMLCanvasElement): Promise<Observation>;
}

/** The slice of the model library's API we use. */
interface FaceResult {
  boxRaw: [number, number, number, number];
  rotation?: { angle: { yaw: number } } | null;
}
interface ModelLibrary {
  load(): Promise<void>;
  detect(input: HTMLCanvasElement): Promise<{ face: FaceResult[] }>;
}
type ModelLibraryClass = new (config: Record<string, unknown>) => ModelLibrary;

/** Everything off but face detection and mesh: the smallest download that can say where the face is and how it turns. */
function config(modelBase: string, backend: string): Record<string, unknown> {
  const off = { enabled: false };
  return {
    modelBasePath: new URL('models/', modelBase).href,
    backend,
    debug: false,
    async: true,
    warmup: 'none',
    cacheSensitivity: 0,
    filter: off,
    gesture: off,
    body: off,
    hand: off,
    object: off,
    segmentation: off,
    face: {
      enabled: true,
      detector: { enabled: true, rotation: false, maxDetected: 3, minConfidence: 0.4, return: false },
      mesh: { enabled: true },
      attention: off,
      iris: off,
      description: off,
      emotion: off,
      antispoof: off,
      liveness: off,
    },
  };
}

/** WebGL when this browser can give a context (headless and GPU-less browsers often cannot), else the CPU. */
function backend(): string {
  try {
    return document.createElement('canvas').getContext('webgl2') ? 'webgl' : 'cpu';
  } catch {
    return 'cpu';
  }
}

/** Loads the library and the two models from `modelBase` (a same-origin URL directory ending in `/`). */
export async function loadGuide(modelBase: string): Promise<Guide> {
  const mod = (await import(/* @vite-ignore */ new URL('human.esm.js', modelBase).href)) as {
    Human?: ModelLibraryClass;
    default?: ModelLibraryClass;
  };
  const Library = mod.Human ?? mod.default;
  if (typeof Library !== 'function') throw new TypeError('the model library has no Human export');
  const lib = new Library(config(modelBase, backend()));
  await lib.load();
  return {
    async observe(source) {
      const start = performance.now();
      const { face } = await lib.detect(source);
      const ms = performance.now() - start;
      const big = face.filter((f) => f.boxRaw[2] >= 0.08); // ignore specks
      const f = big[0];
      if (big.length !== 1 || !f) return { faces: big.length, centred: false, far: false, ms };
      const [x, y, w, h] = f.boxRaw;
      const cx = x + w / 2;
      const cy = y + h / 2;
      const yaw = f.rotation?.angle.yaw;
      return {
        faces: 1,
        centred: Math.abs(cx - 0.5) < 0.17 && Math.abs(cy - 0.47) < 0.2,
        far: w < 0.22,
        ...(typeof yaw === 'number' && Number.isFinite(yaw) ? { yaw } : {}),
        ms,
      };
    },
  };
}
