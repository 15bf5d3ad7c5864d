/**
 * `tsx demo/provider/main.ts` — the reference provider on PROVIDER_PORT (default 4000).
 * Env: PROVIDER_PORT, PROVIDER_HOST (default 127.0.0.1), PROVIDER_ISSUER, INTEGRATOR_PORT / RECIPIENT_PORT (for the
 * demo sites' origins), PROVIDER_KEYS_FILE (keep keys across restarts), PROVIDER_COOP=1.
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
  keysFile: process.env['PROVIDER_KEYS_FILE'] || undefined,
  coop: process.env['PROVIDER_COOP'] === '1',
  log: true,
});
console.log(`Provider ready: ${running.issuer} (sign in as alice@example.com / alice-demo)`);

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    running.close().then(() => process.exit(0), () => process.exit(1));
  });
}
