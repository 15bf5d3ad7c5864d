/**
 * A throwaway PostgreSQL server for the provider's tests: `initdb` in a temp directory, `pg_ctl start` on a free
 * loopback port with trust auth and no fsync, stopped (immediate) and deleted by `stop()`. Postgres refuses to run
 * as root, so as root the server runs as the `postgres` user that Debian's `postgresql` package creates.
 *
 * `postgresSkipReason()` says why a suite cannot have one here (the binaries are missing, …), for `{ skip }`; CI
 * installs the package (.ci/run), so there these suites run.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Debian's layout (the `postgresql` package of bookworm is 15); PG_BIN overrides it. */
function binDir(): string | undefined {
  if (process.env['PG_BIN']) return process.env['PG_BIN'];
  for (const version of ['17', '16', '15']) {
    const dir = `/usr/lib/postgresql/${version}/bin`;
    if (existsSync(join(dir, 'initdb'))) return dir;
  }
  return undefined;
}

/** Postgres refuses to run as root: as root, initdb and the server run as the `postgres` user. */
function serverUser(): { uid: number; gid: number } | undefined | 'missing' {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return 'missing';
  }
}

/** Why no server can be started here, or false when one can. */
export function postgresSkipReason(): string | false {
  const bin = binDir();
  if (!bin || !existsSync(join(bin, 'pg_ctl'))) {
    return 'no PostgreSQL server binaries in /usr/lib/postgresql/{15,16,17}/bin (Debian package postgresql; .ci/run installs it)';
  }
  if (serverUser() === 'missing') return 'running as root without a postgres user to run the server as';
  return false;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface PostgresCluster {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  url: string;
  /** a new empty database on this server; resolves its URL */
  createDatabase(name: string): Promise<string>;
  /** stops the server and deletes its directory */
  stop(): Promise<void>;
}

/** initdb + pg_ctl start in a new temp directory on a loopback port, trust auth. */
export async function startPostgres(options: { maxConnections?: number } = {}): Promise<PostgresCluster> {
  const bin = binDir();
  if (!bin) throw new Error('no PostgreSQL server binaries');
  const dir = await mkdtemp(join(tmpdir(), 'idc-pg-'));
  const user = serverUser();
  const as = user && user !== 'missing' ? user : {};
  if (user && user !== 'missing') await chown(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  const pg = (tool: string, args: string[]) =>
    run(join(bin, tool), args, { ...as, cwd: dir, env: { PATH: process.env['PATH'] ?? '', LANG: 'C' } });
  let started = false;
  try {
    const port = await freePort();
    await pg('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
    const serverOptions = [
      `-p ${port}`,
      `-k ${dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      `-c max_connections=${options.maxConnections ?? 100}`,
    ].join(' ');
    await pg('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', serverOptions, '-w', 'start']);
    started = true;
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    return {
      url,
      async createDatabase(name: string) {
        if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new TypeError('a plain lower-case database name');
        const { default: pgLib } = await import('pg');
        const admin = new pgLib.Client({ connectionString: url });
        await admin.connect();
        try {
          await admin.query(`CREATE DATABASE ${name}`);
        } finally {
          await admin.end();
        }
        return url.replace(/\/postgres$/, `/${name}`);
      },
      async stop() {
        await pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    if (started) await pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
