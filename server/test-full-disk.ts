/**
 * A data directory on a file system a test can fill up and free again, for disk-full tests.
 * Where this process may mount (root), it is a small tmpfs that `fill` writes a filler file
 * into until the kernel answers ENOSPC, so SQLite fails the way it does on a full disk. Where
 * it may not (non-root CI), it is a plain directory and `fill` caps the store's database at its
 * current size with PRAGMA max_page_count (SQLITE_FULL as soon as a write needs a new page);
 * `mechanism` tells which ran, and tests print it.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from './store/db.ts';

export interface SmallDisk {
  dir: string;
  mechanism: 'tmpfs' | 'max_page_count';
  /** makes writes of the store on `db` fail for lack of space */
  fill(db: Db): void;
  /** gives the space back */
  free(db: Db): void;
  dispose(): void;
}

const FILLER = '.filler';
const NO_LIMIT = 1_073_741_823;

export function smallDisk(sizeMiB = 16): SmallDisk {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-full-'));
  let mounted = false;
  // TRIBUTARY_TEST_FULL_DISK=max_page_count runs the fallback where mounting would work
  if (process.env['TRIBUTARY_TEST_FULL_DISK'] !== 'max_page_count') {
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m`, 'tmpfs', dir], { stdio: 'ignore' });
      mounted = true;
    } catch {
      // not permitted here: the max_page_count fallback below
    }
  }
  if (mounted) {
    return {
      dir,
      mechanism: 'tmpfs',
      fill(db) {
        // an empty WAL must grow for the next commit, so no write slips into space it already has
        db.pragma('wal_checkpoint(TRUNCATE)');
        fillUp(join(dir, FILLER));
      },
      free() {
        unlinkSync(join(dir, FILLER));
      },
      dispose() {
        try {
          execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  }
  return {
    dir,
    mechanism: 'max_page_count',
    fill(db) {
      // (max_page_count is per connection: only the store's own writes are capped)
      db.pragma(`max_page_count = ${Number(db.pragma('page_count', { simple: true }))}`);
    },
    free(db) {
      db.pragma(`max_page_count = ${NO_LIMIT}`);
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** writes to `file` in ever smaller pieces until the file system has not a byte left */
function fillUp(file: string): void {
  const fd = openSync(file, 'a');
  try {
    for (const size of [1 << 20, 1 << 12, 1]) {
      const chunk = Buffer.alloc(size);
      for (;;) {
        try {
          if (writeSync(fd, chunk) < size) break;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw err;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}
