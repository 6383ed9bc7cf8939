import { lstatSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { AppError } from '../../contract/index.js';
import type { MediaLibrary } from '../../ports/media-library.js';

/** The media folder on disk. Names resolve inside it, symlinks included, or are refused. */
export class MediaFolder implements MediaLibrary {
  private readonly root: string;

  constructor(folder: string) {
    this.root = resolve(folder);
  }

  resolve(name: string): string {
    if (name === '' || isAbsolute(name) || name.includes('\0')) throw escape(name);
    const path = resolve(this.root, name);
    if (!inside(this.root, path)) throw escape(name);
    const real = existingRealPath(path);
    if (!inside(realRoot(this.root), real)) throw escape(name);
    return real;
  }
}

/**
 * The real path of `path`; for a missing file, the real path of its nearest existing folder
 * with the rest appended, so a folder symlinked out is still caught. A dangling symlink is
 * refused outright: its target could appear later, anywhere.
 */
function existingRealPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    // missing: checked below through its parent
  }
  if (isSymlink(path)) return '\0dangling-symlink';
  const parent = dirname(path);
  if (parent === path) return path;
  return join(existingRealPath(parent), basename(path));
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function realRoot(root: string): string {
  try {
    return realpathSync(root);
  } catch {
    return root;
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

function escape(name: string): AppError {
  return new AppError('INVALID_DATA', `video ${JSON.stringify(name)} is not a file inside the media folder`, {
    details: [{ field: 'video', message: 'must stay inside MEDIA_DIR' }],
  });
}
