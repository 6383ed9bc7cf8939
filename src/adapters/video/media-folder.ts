import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
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
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      return path; // a missing file is reported by the player when it tries to open it
    }
    if (!inside(realRoot(this.root), real)) throw escape(name);
    return real;
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
