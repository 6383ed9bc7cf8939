import { stat } from 'node:fs/promises';
import { fileTypeFromFile } from 'file-type';
import type { MediaLibrary } from '../../ports/media-library.js';
import type { MediaProbe, MediaProbeResult } from '../../ports/preflight-probes.js';

/**
 * Tells a media file's type from its first bytes (file-type's signatures: MP4, Matroska, WebM,
 * WAV, MP3, Ogg, PNG, JPEG, ...): a renamed text file or a truncated download is caught before
 * the show, without running a decoder over every clip.
 */
export class HeaderMediaProbe implements MediaProbe {
  constructor(private readonly media: MediaLibrary) {}

  async probe(name: string): Promise<MediaProbeResult> {
    let path: string;
    try {
      path = this.media.resolve(name);
    } catch {
      return { state: 'unreadable', reason: 'the name leads out of the media folder' };
    }
    try {
      const info = await stat(path);
      if (!info.isFile()) return { state: 'unreadable', reason: 'not a file' };
      if (info.size === 0) return { state: 'empty' };
      const type = await fileTypeFromFile(path);
      return type === undefined ? { state: 'unrecognised' } : { state: 'ok', mediaType: type.mime };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return { state: 'missing' };
      return { state: 'unreadable', reason: code === 'EACCES' ? 'permission denied' : (code ?? (error as Error).message) };
    }
  }
}
