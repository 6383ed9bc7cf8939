import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const web = fileURLToPath(new URL('../../dist/web', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

describe('the pages the Pi serves', () => {
  it('load in under 200 KB gzipped in total (source maps aside)', () => {
    const served = files(web).filter((file) => !file.endsWith('.map'));
    expect(served.map((f) => f.slice(web.length + 1)).sort()).toEqual(
      expect.arrayContaining(['admin.html', 'assets/admin.js', 'assets/gm.js', 'assets/style.css', 'gm.html']),
    );
    const total = served.reduce((sum, file) => sum + gzipSync(readFileSync(file)).length, 0);
    expect(total).toBeLessThan(200 * 1024);
  });

  it('reference nothing outside the Pi (no CDN, no external fonts)', () => {
    for (const file of files(web).filter((f) => /\.(html|css)$/.test(f))) {
      expect(readFileSync(file, 'utf8')).not.toMatch(/(src|href)="https?:\/\/|url\(["']?https?:/);
    }
  });
});
