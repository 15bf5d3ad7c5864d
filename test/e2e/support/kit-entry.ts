/** What the e2e integrator page loads: the flow API straight from src (bundled on the fly by esbuild). */
export * from '../../../src/flow/index.js';
