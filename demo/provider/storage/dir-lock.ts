/**
 * One process at a time per PGlite data directory. PGlite takes no lock of its own, and two processes writing
 * one directory corrupt it, so a lock file inside it holds the owner's pid. A lock whose process is gone (a
 * crash, a container restart) is taken over; a live one is refused with the way out in the message.
 */
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

export const LOCK_FILE = 'idconnect-kit.lock';

/** directories locked by this process (a restart inside a container may get the same pid as the stale lock) */
const held = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Locks `dir` (an absolute path) for this process; resolves the function that unlocks it. */
export async function lockDirectory(dir: string): Promise<() => Promise<void>> {
  const file = join(dir, LOCK_FILE);
  if (held.has(dir)) throw new Error(`the data directory ${dir} is already open in this process`);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o600);
      try {
        await handle.writeFile(`${process.pid}\n`);
      } finally {
        await handle.close();
      }
      held.add(dir);
      return async () => {
        held.delete(dir);
        await rm(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
      if (!(pid > 0) || (pid !== process.pid && alive(pid))) {
        throw new Error(
          `the data directory ${dir} is in use${pid > 0 ? ` by process ${pid}` : ''}; ` +
            `if no process uses it, delete ${file}`,
        );
      }
      await rm(file, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`could not lock the data directory ${dir}`);
}
