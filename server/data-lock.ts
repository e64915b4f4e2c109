/**
 * One `convot serve` per data folder: two processes on one PGlite folder would corrupt it. The
 * lock is a file holding the owner's pid, created atomically (link of a finished temp file), so
 * another process never reads it half-written. A lock whose pid is dead (a crash, or a restart
 * of a container whose pid happens to be ours) is stale and taken over.
 */
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const LOCK_FILE = 'convot.lock';

export class DataFolderBusy extends Error {
  constructor(
    readonly folder: string,
    readonly pid: number,
  ) {
    super(`the data folder ${folder} is in use by another convot process (pid ${pid}); stop it or pass another --data folder`);
    this.name = 'DataFolderBusy';
  }
}

export interface DataLock {
  /** Removes the lock if it is still ours. Safe to call more than once. */
  release(): void;
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return false; // our own pid in a lock we did not write: a previous life
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function readPid(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Takes the folder's lock or throws DataFolderBusy. The folder must exist. */
export function lockDataFolder(folder: string): DataLock {
  const file = join(folder, LOCK_FILE);
  const mine = `${file}.${process.pid}`;
  writeFileSync(mine, `${process.pid}\n`);
  try {
    acquire(file, mine, folder);
  } finally {
    removeQuietly(mine); // gone already when a takeover moved it into place
  }
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    if (readPid(file) === process.pid) removeQuietly(file);
  };
  // A crash leaves a stale lock that the next start takes over; a normal exit leaves none.
  process.once('exit', release);
  return { release };
}

function acquire(file: string, mine: string, folder: string): void {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      linkSync(mine, file);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = readPid(file);
    if (holder !== null && isAlive(holder)) throw new DataFolderBusy(folder, holder);
    // Stale. Only one process may replace it: the one that creates the takeover guard.
    const guard = `${file}.takeover`;
    try {
      linkSync(mine, guard);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const taker = readPid(guard);
      if (taker !== null && !isAlive(taker)) removeQuietly(guard); // a takeover that crashed
      else pause(50); // another process is taking over; its lock will be live in a moment
      continue;
    }
    try {
      // Re-check under the guard: someone may have taken it over just before us.
      const now = readPid(file);
      if (now !== null && now !== holder && isAlive(now)) throw new DataFolderBusy(folder, now);
      renameSync(mine, file);
      return;
    } finally {
      removeQuietly(guard);
    }
  }
  const holder = readPid(file);
  throw new DataFolderBusy(folder, holder ?? 0);
}
