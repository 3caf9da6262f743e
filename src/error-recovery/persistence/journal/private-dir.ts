import { chmod, lstat, mkdir } from 'node:fs/promises';

/** This process's user id; undefined where there is none (Windows), and then nothing is checked. */
const uid = (): number | undefined => process.getuid?.();

/**
 * Makes `dir` (and its parents) and checks it is fit to hold journal files: a real directory (not a
 * link), owned by this process's user, and made owner-only (0700) if it was not. `mkdir`'s mode is
 * only applied to directories it creates: an existing one (the shared OS temp directory, where any
 * user may have created it first) is checked here. Throws when it is not fit, so the next one is tried.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const st = await lstat(dir);
  if (!st.isDirectory()) throw new Error(`journal directory ${dir} is not a directory`);
  const me = uid();
  if (me !== undefined && st.uid !== me) throw new Error(`journal directory ${dir} belongs to another user (uid ${st.uid})`);
  if ((st.mode & 0o077) !== 0) await chmod(dir, 0o700);
}

/**
 * True when `path` is a regular file of this process's user: only such a file is replayed into the
 * store. A file another user could plant (in a directory others can write to) would forge rows.
 */
export async function isOwnFile(path: string): Promise<boolean> {
  const st = await lstat(path);
  const me = uid();
  return st.isFile() && (me === undefined || st.uid === me);
}
