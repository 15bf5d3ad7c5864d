#!/usr/bin/env node
// `npm start`: the whole journey on one machine — the reference provider, the integrator site and the recipient
// site, in this one process. Builds the kit first when dist/ is missing or older than src/.
//
// Env: PROVIDER_PORT (4000), INTEGRATOR_PORT (5173), RECIPIENT_PORT (5174), HOST (127.0.0.1), SKIP_BUILD=1,
// LOG_REQUESTS=1 (one line per provider request), DATABASE_URL (postgres://…; default: the embedded database in
// .data/provider). Keys live in .data/provider-keys.json, so a restart keeps accounts, grants and consents.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const NEEDED = ['dist/idconnect-kit.iife.js', 'dist/idconnect-kit-provider-ui.iife.js', 'dist/callback.js'];

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function buildIfNeeded() {
  const paths = NEEDED.map((p) => join(root, p));
  const missing = paths.some((p) => !existsSync(p));
  const stale = !missing && Math.min(...paths.map((p) => statSync(p).mtimeMs)) < newestMtime(join(root, 'src'));
  if (!missing && !stale) return;
  if (process.env.SKIP_BUILD === '1') {
    console.warn(`dist/ is ${missing ? 'missing' : 'older than src/'} and SKIP_BUILD=1: the pages may not work.`);
    return;
  }
  console.log(`dist/ is ${missing ? 'missing' : 'older than src/'}: running npm run build …`);
  const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('npm run build failed; fix the build and run npm start again.');
    process.exit(1);
  }
}

function port(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    console.error(`${name} must be a port number (1–65535), got "${raw}".`);
    process.exit(1);
  }
  return value;
}

buildIfNeeded();

const ports = {
  provider: port('PROVIDER_PORT', 4000),
  integrator: port('INTEGRATOR_PORT', 5173),
  recipient: port('RECIPIENT_PORT', 5174),
};
const host = process.env.HOST || '127.0.0.1';
const issuer = `http://localhost:${ports.provider}`;
const integratorOrigin = `http://localhost:${ports.integrator}`;
const recipientOrigin = `http://localhost:${ports.recipient}`;

// The demo servers are TypeScript; tsx compiles them on the fly (no separate build step for the demo).
const { register } = await import('tsx/esm/api');
register();
const { startProvider } = await import('../demo/provider/index.ts');
const { startIntegrator } = await import('../demo/integrator/server.ts');
const { startRecipient } = await import('../demo/recipient/server.ts');

const running = [];
async function stop(code) {
  await Promise.allSettled(running.map((server) => server.close()));
  process.exit(code);
}

try {
  running.push(
    await startProvider({
      port: ports.provider,
      host,
      issuer,
      integratorOrigin,
      recipientOrigin,
      log: process.env.LOG_REQUESTS === '1',
      // the demo configuration: a mail catcher at /dev/mail and POST /dev/reviews
      dev: true,
      // everything survives a restart: the embedded database and the keys in .data/ (or PostgreSQL)
      database: process.env.DATABASE_URL ? { url: process.env.DATABASE_URL } : { dataDir: join(root, '.data', 'provider') },
      keysFile: join(root, '.data', 'provider-keys.json'),
    }),
    await startIntegrator({
      port: ports.integrator,
      host,
      origin: integratorOrigin,
      providerIssuer: issuer,
      recipientOrigin,
      connectionsFile: join(root, '.data', 'integrator-connections.json'),
    }),
    await startRecipient({ port: ports.recipient, host, origin: recipientOrigin, providerIssuer: issuer }),
  );
} catch (err) {
  const inUse = err && err.code === 'EADDRINUSE';
  console.error(
    inUse
      ? `A port is already in use (${err.address ?? host}:${err.port}). Stop what uses it or set PROVIDER_PORT, INTEGRATOR_PORT, RECIPIENT_PORT.`
      : `Could not start the demo: ${err?.message ?? err}`,
  );
  await stop(1);
}

console.log(`
  idconnect-kit demo is running

  Integrator site (start here)  ${integratorOrigin}
  Recipient site                ${recipientOrigin}
  ID provider                   ${issuer}

  Demo login: alice@example.com / alice-demo (or create an account)
  Sandbox logins with scripted outcomes: sandbox+approve@example.com, sandbox+deny@…, … / sandbox-demo
                                (README "Sandbox accounts")
  Mail catcher                  ${issuer}/dev/mail
  Your ID account               ${issuer}/account

  Press Ctrl-C to stop.
`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) process.exit(130);
    stopping = true;
    console.log('\nStopping …');
    void stop(0);
  });
}
