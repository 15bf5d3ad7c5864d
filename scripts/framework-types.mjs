// Copies the hand-written framework typings (src/frameworks/*.d.ts: Vue's `GlobalComponents`, Svelte's
// `SvelteHTMLElements`) next to the declarations tsc emitted (dist/types/frameworks/), where package.json `exports`
// points `idconnect-kit/vue` and `idconnect-kit/svelte`. They are declaration files because they import types from
// frameworks the project does not install; tsc emits the rest of dist/types/frameworks/ (elements.d.ts, which they
// import, and jsx-react.d.ts). Run by `npm run build` after tsc; exits 1 when a file they import was not emitted.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const from = join(root, 'src', 'frameworks');
const to = join(root, 'dist', 'types', 'frameworks');

mkdirSync(to, { recursive: true });
const problems = [];
for (const file of readdirSync(from).filter((f) => f.endsWith('.d.ts'))) {
  copyFileSync(join(from, file), join(to, file));
  // Each relative import must resolve among the emitted declarations (`./elements.js` → elements.d.ts).
  for (const [, spec] of readFileSync(join(from, file), 'utf8').matchAll(/from '(\.[^']+)\.js'/g)) {
    if (!existsSync(join(to, `${spec}.d.ts`))) problems.push(`${file} imports ${spec}.js, but dist/types/frameworks/${spec}.d.ts is missing`);
  }
  console.log(`dist/types/frameworks/${file}`);
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
