import { randomBytes } from "node:crypto";
import { closeSync, constants, fstatSync, openSync, readFileSync, statSync } from "node:fs";
import { chmod, type FileHandle, lstat, mkdir, open, rename, rm, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { EXIT, usageError, WhtoolError } from "../errors.js";

/**
 * Every file whtool writes for itself: captures, state, caches, keys, reports. A file planted as a
 * symbolic link must never turn a write into an append, chmod or overwrite of its target, so files
 * are opened with O_NOFOLLOW, modes are set on the open handle, and whole-file writes go through a
 * fresh temp file renamed over the old one (a reader never sees half a file).
 */

const { O_WRONLY, O_RDONLY, O_APPEND, O_CREAT, O_EXCL, O_NOFOLLOW } = constants;

/** whtool's own folder: created 0700, kept 0700, never a link. */
const OWN_DIR = ".whtool";

/** A symbolic link where whtool writes (or reads a secret from): refused, never followed. */
export class SymlinkRefusedError extends WhtoolError {
  constructor(readonly path: string) {
    super(
      "usage",
      `${path} is a symbolic link; whtool never follows links for files it writes — remove it`,
      EXIT.usage,
      `rm ${path} (the link only; its target is left as it is) and run the command again`,
    );
    this.name = "SymlinkRefusedError";
  }
}

const errno = (error: unknown) => (error as NodeJS.ErrnoException).code;

/** Words an fs failure on `path` as an error the user can act on; anything else is rethrown. */
function refusal(path: string, error: unknown): unknown {
  switch (errno(error)) {
    case "ELOOP":
      return new SymlinkRefusedError(path); // O_NOFOLLOW on a link answers ELOOP
    case "EISDIR":
      return usageError(`${path} is a folder, not a file`, "name a file inside it instead");
    case "ENOTDIR":
      return usageError(
        `${path}: a part of that path is a file, not a folder`,
        "move that file aside, or name another path",
      );
    default:
      return error;
  }
}

/**
 * Makes `dir` a private folder: created 0700 when missing (whtool's own `.whtool/` also gets a
 * `.gitignore` of `*`, so secrets never land in the user's repository). An existing `.whtool/` must
 * be a real folder, and is tightened to 0700 when group or others could read it; any other existing
 * folder is the user's (their project, a reports folder) and keeps its mode.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  const own = basename(dir) === OWN_DIR;
  const found = await lstat(dir).catch((error: unknown) => {
    if (errno(error) === "ENOENT") return undefined;
    throw refusal(dir, error);
  });
  if (found === undefined) {
    await mkdir(dir, { recursive: true, mode: 0o700 }).catch((error: unknown) => {
      throw errno(error) === "EEXIST" ? usageError(`${dir} is not a folder`) : refusal(dir, error);
    });
    if (own) await writePrivateFileAtomic(join(dir, ".gitignore"), "*\n");
    return;
  }
  if (found.isSymbolicLink() && own) throw new SymlinkRefusedError(dir);
  if (found.isSymbolicLink()) return; // a link the user made to their own folder: theirs to choose
  if (!found.isDirectory())
    throw usageError(
      `${dir} is a file, but whtool keeps its files in a folder there`,
      `move ${dir} aside (or name another path) and run the command again`,
    );
  // lstat said directory, not link: this chmod cannot land on another file.
  if (own && (found.mode & 0o077) !== 0) await chmod(dir, 0o700);
}

/** The folder of `path` made private, and `path` itself refused if it is a link. */
export async function prepareSecretFile(path: string): Promise<void> {
  await ensurePrivateDir(dirname(path));
  const found = await lstat(path).catch((error: unknown) => {
    if (errno(error) === "ENOENT") return undefined;
    throw refusal(path, error);
  });
  if (found?.isSymbolicLink()) throw new SymlinkRefusedError(path);
}

/** Opens `path` to append (created 0600), refusing a link or anything but a regular file. */
export async function openPrivateAppend(path: string): Promise<FileHandle> {
  await ensurePrivateDir(dirname(path));
  let handle: FileHandle;
  try {
    handle = await open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, 0o600);
  } catch (error) {
    throw refusal(path, error);
  }
  try {
    // fstat/fchmod act on what was opened, so a swapped path cannot redirect them.
    if (!(await handle.stat()).isFile())
      throw usageError(`${path} is not a regular file`, "name a regular file, or move that one aside");
    await handle.chmod(0o600); // an older, wider file holds real payloads too
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * Replaces `path` with `data` atomically: a temp file in the same folder (O_EXCL|O_NOFOLLOW, 0600),
 * written and fsynced, then renamed over. A link at `path` is refused rather than replaced.
 */
export async function writePrivateFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await prepareSecretFile(path);
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  let handle: FileHandle | undefined;
  try {
    handle = await open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, path);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw refusal(path, error);
  }
}

/** Creates `path` only if nothing is there (O_EXCL: never a link, never an existing file), 0600. */
export async function createPrivateFile(path: string, data: string | Uint8Array): Promise<void> {
  try {
    await writeFile(path, data, { flag: O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode: 0o600 });
  } catch (error) {
    throw refusal(path, error);
  }
}

/** Reads `path` without following a link; a missing file is `undefined`. */
/** Removes one of whtool's files (a path, not what a link there points to); a missing one is fine. */
export async function removePrivateFile(path: string): Promise<void> {
  await rm(path, { force: true });
}

export async function readPrivateFile(path: string): Promise<string | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, O_RDONLY | O_NOFOLLOW);
  } catch (error) {
    if (errno(error) === "ENOENT") return undefined;
    throw refusal(path, error);
  }
  try {
    return await handle.readFile("utf8");
  } catch (error) {
    throw refusal(path, error);
  } finally {
    await handle.close();
  }
}

/** `readPrivateFile` for synchronous callers (verification setup is synchronous). */
export function readPrivateFileSync(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, O_RDONLY | O_NOFOLLOW);
  } catch (error) {
    if (errno(error) === "ENOENT") return undefined;
    throw refusal(path, error);
  }
  try {
    if (!fstatSync(fd).isFile()) throw usageError(`${path} is not a regular file`);
    return readFileSync(fd, "utf8");
  } finally {
    closeSync(fd);
  }
}

/** Whether `path` is a folder (following links, as the user named it); any failure says no. */
export function isFolderSync(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
