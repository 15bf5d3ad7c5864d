// `npm run bench:provider`: load on the reference provider (demo/provider) with autocannon, loopback only. Not a
// test: it prints a table of requests/s and latency (p50, p99), nothing else, and stops by itself.
//
// Setups, each instance a child process of demo/provider/main.ts (as deployed):
//   - pglite ×1: the embedded database (a data directory), one instance (PGlite is one process by design)
//   - postgres ×1: a throwaway PostgreSQL server (Debian's binaries; skipped when missing), one instance, direct
//   - postgres ×1 via proxy: the same behind the round-robin proxy (what the proxy itself costs)
//   - postgres ×2 via proxy: two instances behind the round-robin proxy (test/node/provider/support/instances.ts)
// at two sizes: 1,000 and 100,000 stored accounts, each with documents and a standing consent (seeded straight into
// kit_records with generate_series: one statement per record kind).
//
// Workloads, each for BENCH_SECONDS (default 5) with BENCH_CONNECTIONS (default 16) connections:
//   - mint+redeem: POST /api/share-token (an integrator's connect token) then POST /api/reuse with that token (the
//     recipient), in turn on every connection; CONNECT_TOKENS (default 16) seeded accounts, one per connection, each
//     connected through a real connect flow. Both requests count.
//   - consent screen: GET /share/:id for a signed-in browser's cookie (the page a user sees before deciding).
// A webhook sink in this process answers the recipient's applicantReviewed deliveries (so the outbox drains).
//
// Everything runs on this machine: the instances, the database, the proxy and autocannon share its cores, so the
// numbers are for the whole box, not for one instance alone.
import { createServer } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { hashPassword } from '../demo/provider/accounts.ts';
import { openDatabase } from '../demo/provider/storage/database.ts';
import { RECIPIENT, basic, bearer, connect, createShareLink } from '../test/node/provider/helpers.ts';
import { spawnInstance, startRoundRobinProxy } from '../test/node/provider/support/instances.ts';
import { freePort, postgresSkipReason, startPostgres } from '../test/node/provider/support/postgres.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const CONNECT_TOKENS = Number(process.env.CONNECT_TOKENS ?? 16);
const SIZES = (process.env.BENCH_SIZES ?? '1000,100000').split(',').map(Number);
const PASSWORD = 'bench-password';
const LEVEL = 'basic-kyc-level';

const ALICE_DOCS = [
  { id: 'doc-passport', type: 'passport', country: 'DE', issuedAt: '2021-03-15', expiresAt: '2031-03-14', status: 'verified' },
  { id: 'doc-poa', type: 'proof_of_address', country: 'DE', issuedAt: '2026-08-03', status: 'verified' },
];

/** Accounts bench-<i>@example.com (i = from … to-1), verified, with documents and a consent for demo-recipient. */
async function seed(query, from, to, passwordHash) {
  const t0 = Date.now();
  const now = Math.floor(Date.now() / 1000);
  const accounts = `generate_series(${from}, ${to - 1}) AS i`;
  await query(
    `INSERT INTO kit_records (ns, key, value)
      SELECT 'account', 'acc-bench-' || i, jsonb_build_object('id', 'acc-bench-' || i, 'email', 'bench-' || i || '@example.com',
        'passwordHash', $1::text, 'verified', true, 'createdAt', ${now}) FROM ${accounts} ON CONFLICT DO NOTHING`,
    [passwordHash],
  );
  await query(
    `INSERT INTO kit_records (ns, key, value) SELECT 'account-email', 'bench-' || i || '@example.com', to_jsonb('acc-bench-' || i)
      FROM ${accounts} ON CONFLICT DO NOTHING`,
  );
  await query(
    `INSERT INTO kit_records (ns, key, value) SELECT 'documents', 'acc-bench-' || i, $1::text::jsonb FROM ${accounts} ON CONFLICT DO NOTHING`,
    [JSON.stringify(ALICE_DOCS)],
  );
  await query(
    `INSERT INTO kit_records (ns, key, value)
      SELECT 'consent', '["acc-bench-' || i || '","demo-integrator","demo-recipient"]',
        jsonb_build_object('grantedAt', ${now}, 'levelName', '${LEVEL}')
      FROM ${accounts} ON CONFLICT DO NOTHING`,
  );
  await query(
    `INSERT INTO kit_records (ns, key, value)
      SELECT 'account-consents', 'acc-bench-' || i, jsonb_build_object('demo-integrator demo-recipient',
        jsonb_build_object('integratorId', 'demo-integrator', 'recipientId', 'demo-recipient', 'grantedAt', ${now}))
      FROM ${accounts} ON CONFLICT DO NOTHING`,
  );
  // settle before measuring: what autovacuum would do in the first measured seconds otherwise
  await query('VACUUM ANALYZE kit_records');
  return Date.now() - t0;
}

function cannon(opts) {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ duration: SECONDS, connections: CONNECTIONS, ...opts }, (err, result) => (err ? reject(err) : resolve(result)));
    instance.on('error', reject);
  });
}

/** One second of warm-up (JIT, pools, caches), then the measured run. */
async function run(opts) {
  await cannon({ ...opts, duration: 1 });
  return cannon(opts);
}

/** A row of the table from an autocannon result. */
function row(setup, size, workload, result) {
  const ok = result['2xx'];
  const bad = result.non2xx + result.errors + result.timeouts;
  return {
    setup,
    accounts: size.toLocaleString('en'),
    workload,
    'req/s': Math.round(result.requests.average),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    'non-2xx/errors': bad ? `${bad} of ${ok + bad}` : '0',
  };
}

async function workloads(issuer, setup, size) {
  // connect tokens: real connect flows for the first CONNECT_TOKENS seeded accounts
  const target = { issuer };
  const tokens = [];
  for (let i = 0; i < CONNECT_TOKENS; i++) {
    const conn = await connect(target, { account: { email: `bench-${i}@example.com`, password: PASSWORD } });
    tokens.push(conn.accessToken);
  }
  const consentPage = await connect(target, { account: { email: 'bench-0@example.com', password: PASSWORD } });
  const link = await createShareLink(target, consentPage.accessToken, { forClientId: RECIPIENT.id });
  const path = new URL(link).pathname;
  const cookie = consentPage.browser.cookieHeader(path);

  let nextConnection = 0;
  const failures = new Set();
  const mintRedeem = await run({
    url: issuer,
    requests: [
      {
        method: 'POST',
        path: '/api/share-token',
        setupRequest(req, context) {
          context.token ??= tokens[nextConnection++ % tokens.length];
          return { ...req, headers: { 'content-type': 'application/json', authorization: bearer(context.token) }, body: JSON.stringify({ forClientId: RECIPIENT.id, ttlInSecs: 600 }) };
        },
        onResponse(status, body, context) {
          if (status !== 200) failures.add(`${status} ${body.slice(0, 160)}`);
          context.shareToken = status === 200 ? JSON.parse(body).token : 'none';
        },
      },
      {
        method: 'POST',
        path: '/api/reuse',
        setupRequest(req, context) {
          return {
            ...req,
            headers: { 'content-type': 'application/json', authorization: basic(RECIPIENT.id, RECIPIENT.secret) },
            body: JSON.stringify({ shareToken: context.shareToken, levelName: LEVEL }),
          };
        },
        onResponse(status, body) {
          if (status !== 200) failures.add(`${status} ${body.slice(0, 160)}`);
        },
      },
    ],
  });
  if (failures.size) console.log(`[bench] ${setup}, ${size}: refused requests: ${[...failures].slice(0, 3).join(' | ')}`);
  const screen = await run({ url: `${issuer}${path}`, headers: { cookie } });
  const check = await fetch(`${issuer}${path}`, { headers: { cookie } });
  if (check.status !== 200 || !(await check.text()).includes('idc-consent-screen')) throw new Error(`the consent screen did not render (${check.status})`);
  return [row(setup, size, 'mint+redeem', mintRedeem), row(setup, size, 'consent screen', screen)];
}

async function main() {
  const started = Date.now();
  const rows = [];
  const dir = await mkdtemp(join(tmpdir(), 'idc-bench-'));
  const sink = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  const sinkPort = await freePort();
  await new Promise((resolve) => sink.listen(sinkPort, '127.0.0.1', resolve));
  const passwordHash = await hashPassword(PASSWORD);
  const baseEnv = { RECIPIENT_PORT: String(sinkPort), PROVIDER_KEYS_FILE: join(dir, 'keys.json'), PROVIDER_TRUST_PROXY: '1' };
  const note = (line) => console.log(`[bench] ${line}`);
  let cluster;
  try {
    // ---- PGlite: one process owns the data directory; seed it while no instance runs ----
    const dataDir = join(dir, 'pglite');
    let seeded = 0;
    for (const size of SIZES) {
      const db = await openDatabase({ dataDir, sweepIntervalMs: 0 });
      const ms = await seed((sql, params) => db.client.query(sql, params), seeded, size, passwordHash);
      await db.close();
      note(`pglite: ${size.toLocaleString('en')} accounts seeded (${ms} ms)`);
      seeded = size;
      // direct: the instance is its own issuer (main.ts defaults it to http://localhost:<its port>)
      const instance = await spawnInstance({ ...baseEnv, PROVIDER_DATA_DIR: dataDir });
      try {
        rows.push(...(await workloads(`http://localhost:${instance.port}`, 'pglite ×1', size)));
      } finally {
        await instance.stop();
      }
    }

    // ---- PostgreSQL ----
    const skip = postgresSkipReason();
    if (skip) {
      note(`postgres: skipped (${skip})`);
    } else {
      cluster = await startPostgres();
      const url = await cluster.createDatabase('bench');
      const admin = await openDatabase({ url, sweepIntervalMs: 0 });
      let pgSeeded = 0;
      try {
        for (const size of SIZES) {
          const ms = await seed((sql, params) => admin.client.query(sql, params), pgSeeded, size, passwordHash);
          pgSeeded = size;
          note(`postgres: ${size.toLocaleString('en')} accounts seeded (${ms} ms)`);
          for (const [setup, count, proxied] of [
            ['postgres ×1', 1, false],
            ['postgres ×1 via proxy', 1, true],
            ['postgres ×2 via proxy', 2, true],
          ]) {
            const proxy = proxied ? await startRoundRobinProxy() : undefined;
            const instances = [];
            try {
              if (proxy) {
                const issuer = `http://localhost:${proxy.port}`;
                instances.push(...(await Promise.all(Array.from({ length: count }, () => spawnInstance({ ...baseEnv, PROVIDER_ISSUER: issuer, DATABASE_URL: url })))));
                proxy.setUpstreams(instances.map((i) => i.url));
                rows.push(...(await workloads(issuer, setup, size)));
              } else {
                const instance = await spawnInstance({ ...baseEnv, DATABASE_URL: url });
                instances.push(instance);
                rows.push(...(await workloads(`http://localhost:${instance.port}`, setup, size)));
              }
            } finally {
              await Promise.all(instances.map((i) => i.stop()));
              await proxy?.close();
            }
          }
        }
      } finally {
        await admin.close();
      }
    }
  } finally {
    await cluster?.stop();
    sink.close();
    await rm(dir, { recursive: true, force: true });
  }

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`\nprovider load — ${cpus().length} cores (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  console.log(`${SECONDS} s per run, ${CONNECTIONS} connections, ${CONNECT_TOKENS} connected accounts; total ${Math.round((Date.now() - started) / 1000)} s`);
  console.table(rows);
}

await main();
process.exit(0);
