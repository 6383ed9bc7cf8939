import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../support/harness.js';
import { api } from '../../support/http.js';
import { PICTURE_TOKEN, writePlayerShow } from '../../support/player-show.js';
import { tempDirPerTest } from '../../support/temp-dir.js';

/**
 * What player scanners read of a token on a real server: its picture and sound addresses, no
 * economy, and only the files the tokens file names, inside MEDIA_DIR.
 */

const dir = tempDirPerTest('media-routes-');
const servers: TestServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.destroy();
});

async function serverWithMedia(): Promise<{ server: TestServer; media: string; secret: string }> {
  const media = join(dir.path, 'media');
  mkdirSync(media);
  // A file beside MEDIA_DIR, and names inside it that lead out or are missing.
  const secret = join(dir.path, 'secret.png');
  writeFileSync(secret, 'not for players');
  symlinkSync(secret, join(media, 'escape.png'));
  const show = writePlayerShow(media, dir.path, {
    escape01: { image: 'escape.png' },
    missing01: { image: 'gone.png', audio: 'gone.wav' },
  });
  const server = await startTestServer({ tokensFile: show.tokensFile, mediaDir: media });
  servers.push(server);
  return { server, media, secret };
}

describe('GET /api/player/tokens/:id', () => {
  it("gives a token's picture and sound addresses and whether it has a clip, nothing of its points", async () => {
    const { server } = await serverWithMedia();
    const picture = await api(server.url, 'GET', `/api/player/tokens/${PICTURE_TOKEN.toUpperCase()}`);
    expect(picture.status).toBe(200);
    expect(picture.body).toEqual({
      id: PICTURE_TOKEN,
      image: `/api/tokens/${PICTURE_TOKEN}/media/image`,
      audio: `/api/tokens/${PICTURE_TOKEN}/media/audio`,
      video: false,
    });
    // A video token of the fixture show, worth points and in no group: the answer says neither.
    expect((await api(server.url, 'GET', '/api/player/tokens/tok002')).body).toEqual({ id: 'tok002', video: true });
    expect((await api(server.url, 'GET', '/api/player/tokens/grp001')).body).toEqual({ id: 'grp001', video: false });
  });

  it('answers an unknown token 404 INVALID_DATA', async () => {
    const { server } = await serverWithMedia();
    const unknown = await api(server.url, 'GET', '/api/player/tokens/nope');
    expect(unknown).toMatchObject({ status: 404, body: { code: 'INVALID_DATA', message: 'unknown token' } });
  });
});

describe('GET /api/tokens/:id/media/:kind', () => {
  it('serves the picture and the sound the tokens file names, with their types, the sound by range too', async () => {
    const { server, media } = await serverWithMedia();
    const image = await fetch(`${server.url}/api/tokens/${PICTURE_TOKEN}/media/image`);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await image.arrayBuffer()).equals(readFileSync(join(media, 'memory01.png')))).toBe(true);

    const sound = await fetch(`${server.url}/api/tokens/${PICTURE_TOKEN}/media/audio`, { headers: { range: 'bytes=0-99' } });
    expect(sound.status).toBe(206);
    expect(sound.headers.get('content-type')).toMatch(/^audio\/(x-)?wav/);
    expect(Buffer.from(await sound.arrayBuffer()).equals(readFileSync(join(media, 'memory01.wav')).subarray(0, 100))).toBe(true);
  });

  it('refuses a kind other than image or audio, a token without the file, and a file that is not there', async () => {
    const { server } = await serverWithMedia();
    expect(await api(server.url, 'GET', `/api/tokens/${PICTURE_TOKEN}/media/video`)).toMatchObject({ status: 400, body: { code: 'INVALID_DATA' } });
    expect(await api(server.url, 'GET', '/api/tokens/tok001/media/image')).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect(await api(server.url, 'GET', '/api/tokens/missing01/media/audio')).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect(await api(server.url, 'GET', '/api/tokens/nope/media/image')).toMatchObject({ status: 404, body: { code: 'INVALID_DATA' } });
  });

  it('never serves a file outside MEDIA_DIR: a symlink leading out, a path in the address', async () => {
    const { server } = await serverWithMedia();
    const escape = await api(server.url, 'GET', '/api/tokens/escape01/media/image');
    expect(escape).toMatchObject({ status: 400, body: { code: 'INVALID_DATA' } });
    expect(escape.text).not.toContain('not for players');
    for (const path of ['/api/tokens/..%2F..%2Fsecret.png/media/image', `/api/tokens/${PICTURE_TOKEN}/media/..%2F..%2Fsecret.png`]) {
      const response = await api(server.url, 'GET', path);
      expect(response.status, path).toBeGreaterThanOrEqual(400);
      expect(response.text, path).not.toContain('not for players');
    }
  });
});
