/**
 * `npm run start:provider` — the reference provider alone on PROVIDER_PORT (default 4000).
 * Env: PROVIDER_PORT, PROVIDER_HOST (default 127.0.0.1), PROVIDER_ISSUER (its public URL behind a proxy),
 * PROVIDER_TRUST_PROXY=1 (the proxy appends the client's address to X-Forwarded-For),
 * INTEGRATOR_PORT / RECIPIENT_PORT (for the demo sites' origins), DATABASE_URL (postgres://…; default the embedded
 * database in PROVIDER_DATA_DIR, default .data/provider), DATABASE_POOL_SIZE (default 10),
 * PROVIDER_KEYS_FILE (default .data/provider-keys.json; instances behind one issuer share it),
 * PROVIDER_LOG=0 (no line per request), PROVIDER_COOP=1, PROVIDER_DEV=1 (the mail catcher at /dev/mail and POST /dev/reviews), SMTP_HOST / SMTP_PORT /
 * SMTP_FROM / SMTP_USER / SMTP_PASSWORD (a real mail server; STARTTLS is required off loopback).
 */
import { startProvider } from './index.js';

function port(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`${name} must be a port number`);
  return value;
}

const providerPort = port('PROVIDER_PORT', 4000);
const running = await startProvider({
  port: providerPort,
  host: process.env['PROVIDER_HOST'] ?? '127.0.0.1',
  issuer: process.env['PROVIDER_ISSUER'] ?? (providerPort ? `http://localhost:${providerPort}` : undefined),
  integratorOrigin: `http://localhost:${port('INTEGRATOR_PORT', 5173)}`,
  recipientOrigin: `http://localhost:${port('RECIPIENT_PORT', 5174)}`,
  keysFile: process.env['PROVIDER_KEYS_FILE'] || '.data/provider-keys.json',
  trustProxy: process.env['PROVIDER_TRUST_PROXY'] === '1',
  database: process.env['DATABASE_URL']
    ? { url: process.env['DATABASE_URL'], poolSize: process.env['DATABASE_POOL_SIZE'] ? Number(process.env['DATABASE_POOL_SIZE']) : undefined }
    : { dataDir: process.env['PROVIDER_DATA_DIR'] || '.data/provider' },
  coop: process.env['PROVIDER_COOP'] === '1',
  dev: process.env['PROVIDER_DEV'] === '1',
  ...(process.env['SMTP_HOST']
    ? {
        mail: {
          host: process.env['SMTP_HOST'],
          port: Number(process.env['SMTP_PORT'] ?? 587),
          from: process.env['SMTP_FROM'] ?? 'no-reply@localhost',
          ...(process.env['SMTP_USER'] ? { auth: { user: process.env['SMTP_USER'], pass: process.env['SMTP_PASSWORD'] ?? '' } } : {}),
        },
      }
    : {}),
  log: process.env['PROVIDER_LOG'] !== '0',
});
if (running.mailCatcher) console.log(`Mail catcher: ${running.issuer}/dev/mail`);
else if (!process.env['SMTP_HOST']) console.warn('No mail server: set SMTP_HOST (or PROVIDER_DEV=1 for the mail catcher); sign-up mails will fail.');
console.log(`Provider ready: ${running.issuer} (sign in as alice@example.com / alice-demo)`);

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    running.close().then(() => process.exit(0), () => process.exit(1));
  });
}
