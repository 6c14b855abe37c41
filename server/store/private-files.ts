/**
 * The data directory holds password hashes, session hashes, encrypted secrets and the key:
 * only the server's own OS user may read it. Directories the server creates are 0700 and its
 * files 0600 whatever the umask; files left with wider modes by an earlier version or a copy
 * are narrowed at start (the caller logs which).
 */
import { chmodSync, closeSync, fchmodSync, mkdirSync, openSync, statSync } from 'node:fs';

/** creates `dir` (and missing parents) as 0700; an existing directory is left as it is */
export function makePrivateDir(dir: string): void {
  const first = mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (first !== undefined) chmodSync(dir, 0o700); // the umask may have taken bits away; make it exact
}

/** creates an empty 0600 file unless it exists, so that whoever writes it next (SQLite) keeps that mode */
export function createPrivateFile(file: string): void {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw err;
  }
  try {
    fchmodSync(fd, 0o600);
  } finally {
    closeSync(fd);
  }
}

export interface Tightened { file: string; from: string }

/** sets 0600 on each existing file that group or others may access; returns what it changed */
export function tightenFileModes(files: readonly string[]): Tightened[] {
  const changed: Tightened[] = [];
  for (const file of files) {
    const st = statSync(file, { throwIfNoEntry: false });
    if (!st?.isFile() || (st.mode & 0o077) === 0) continue;
    chmodSync(file, 0o600);
    changed.push({ file, from: (st.mode & 0o777).toString(8).padStart(4, '0') });
  }
  return changed;
}
