import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import jsQRModule from 'jsqr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_MAIN, spawnBuiltServer, type BuiltServer } from '../../scripts/lib/built-server.js';
import { wifiJoinText } from '../../src/adapters/video/idle-text.js';
import { GameState, LoginResponse, type VideoStatus } from '../../src/contract/index.js';
import { artifactPath } from '../support/browser.js';
import { FIXTURE_TOKENS } from '../support/fixtures.js';
import { ADMIN_PASSWORD, station, type Peer } from '../support/harness.js';
import { api, okBody } from '../support/http.js';
import { bounded } from '../support/reliability.js';
import { tempDir } from '../support/temp-dir.js';

/*
 * The TV for real: the built orchestrator drives a windowed mpv on a virtual X screen (Xvfb),
 * as the product does with VIDEO_OUTPUT=window; the test grabs the screen with ffmpeg and reads
 * it with tesseract. What it asserts is what the room sees, pixels included: mpv's OSD, the
 * clip covering the board, the Wi-Fi join code a phone can read.
 */

// jsqr is CommonJS with an ES-style `default` in its types: the function is on both.
const jsQR = jsQRModule.default;
const execFileAsync = promisify(execFile);

const WIDTH = 1920;
const HEIGHT = 1080;
const SSID = 'ShowNet';
const PSK = 'correct-horse-42';
const SESSION = 'Friday Quiz';
/** The clip's only colour (#2A5D8F): a grab during the clip must be this, not the board. */
const CLIP_RGB = [0x2a, 0x5d, 0x8f] as const;

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

// .ci/run installs these (Debian xvfb, tesseract-ocr, ffmpeg, mpv); elsewhere the suite says what it lacks.
const missing = ['Xvfb', 'tesseract', 'ffmpeg', 'mpv'].filter((command) => !onPath(command));
const title = `the TV on a real screen${missing.length > 0 ? ` (skipped: ${missing.join(', ')} not installed)` : ''}`;

// ---- the screen -------------------------------------------------------------------------------

/** A virtual X screen; Xvfb picks a free display number itself (-displayfd) and tells it. */
async function startXvfb(): Promise<{ display: string; child: ChildProcess }> {
  const child = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', `${WIDTH}x${HEIGHT}x24`, '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const fd = child.stdio[3] as NodeJS.ReadableStream;
  try {
    const number = await bounded(
      new Promise<string>((resolve, reject) => {
        let text = '';
        fd.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          if (text.includes('\n')) resolve(text.trim());
        });
        child.once('exit', (code) => reject(new Error(`Xvfb exited (${code}): ${stderr.join('')}`)));
        child.once('error', reject);
      }),
      10_000,
      'Xvfb to pick a display',
    );
    return { display: `:${number}`, child };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

interface Word {
  text: string;
  left: number;
  top: number;
  width: number;
  height: number;
}

interface Shot {
  file: string;
  words: Word[];
  /** The words in visual rows (top to bottom), each row's words left to right. */
  rows: { text: string; top: number; words: Word[] }[];
  /** All the text, one visual row a line. */
  text: string;
}

/** What the X screen shows now (mouse pointer left out), as a PNG. */
async function grab(display: string, file: string): Promise<void> {
  await execFileAsync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'x11grab', '-draw_mouse', '0', '-video_size', `${WIDTH}x${HEIGHT}`, '-i', display, '-frames:v', '1', file], {
    timeout: 15_000,
  });
}

/**
 * The words tesseract reads, with their boxes in screen pixels. The screen is light text on
 * dark; grey and inverted it reads as print, which tesseract knows best (the same size, so
 * the boxes need no scaling).
 */
async function ocr(file: string): Promise<Word[]> {
  const inverted = file.replace(/\.png$/, '.ocr.png');
  await execFileAsync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', file, '-vf', 'format=gray,negate', inverted], { timeout: 15_000 });
  const { stdout } = await execFileAsync('tesseract', [inverted, 'stdout', 'tsv'], { timeout: 30_000, maxBuffer: 8 * 1024 * 1024 });
  rmSync(inverted, { force: true });
  return stdout
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t'))
    .filter((cells) => cells.length === 12 && cells[0] === '5' && (cells[11] ?? '').trim() !== '')
    .map((cells) => ({ text: (cells[11] ?? '').trim(), left: Number(cells[6]), top: Number(cells[7]), width: Number(cells[8]), height: Number(cells[9]) }));
}

/** Words whose vertical middles lie within half a word's height of each other share a row. */
function rowsOf(words: readonly Word[]): Shot['rows'] {
  const middle = (word: Word) => word.top + word.height / 2;
  const rows: { middle: number; height: number; words: Word[] }[] = [];
  for (const word of [...words].sort((a, b) => middle(a) - middle(b))) {
    const row = rows.find((r) => Math.abs(r.middle - middle(word)) <= Math.max(r.height, word.height) / 2);
    if (row) row.words.push(word);
    else rows.push({ middle: middle(word), height: word.height, words: [word] });
  }
  return rows.map((row) => {
    const ordered = row.words.sort((a, b) => a.left - b.left);
    return { text: ordered.map((w) => w.text).join(' '), top: Math.min(...ordered.map((w) => w.top)), words: ordered };
  });
}

/** The RGBA pixels of a PNG. */
async function pixelsOf(file: string): Promise<Uint8ClampedArray> {
  const { stdout } = await execFileAsync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'], {
    encoding: 'buffer',
    maxBuffer: WIDTH * HEIGHT * 8,
    timeout: 15_000,
  });
  return new Uint8ClampedArray(stdout.buffer, stdout.byteOffset, stdout.length);
}

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/**
 * The white square the join code stands on (code and quiet zone): from the corners jsQR
 * found, grown while the next column or row of pixels is white all along.
 */
function whiteSquareAround(pixels: Uint8ClampedArray, corners: { x: number; y: number }[]): Box {
  const white = (x: number, y: number) => {
    const i = (y * WIDTH + x) * 4;
    return (pixels[i] ?? 0) > 230 && (pixels[i + 1] ?? 0) > 230 && (pixels[i + 2] ?? 0) > 230;
  };
  const box = {
    left: Math.floor(Math.min(...corners.map((c) => c.x))),
    top: Math.floor(Math.min(...corners.map((c) => c.y))),
    right: Math.ceil(Math.max(...corners.map((c) => c.x))),
    bottom: Math.ceil(Math.max(...corners.map((c) => c.y))),
  };
  const column = (x: number) => Array.from({ length: box.bottom - box.top + 1 }, (_, i) => box.top + i).every((y) => white(x, y));
  const row = (y: number) => Array.from({ length: box.right - box.left + 1 }, (_, i) => box.left + i).every((x) => white(x, y));
  while (box.left > 0 && column(box.left - 1)) box.left--;
  while (box.right < WIDTH - 1 && column(box.right + 1)) box.right++;
  while (box.top > 0 && row(box.top - 1)) box.top--;
  while (box.bottom < HEIGHT - 1 && row(box.bottom + 1)) box.bottom++;
  return box;
}

interface BoardRow {
  rank: number;
  name: string;
  groups: number;
  score: string;
}

const overlaps = (a: Box, word: Word) => word.left <= a.right && word.left + word.width >= a.left && word.top <= a.bottom && word.top + word.height >= a.top;

// ---- the suite --------------------------------------------------------------------------------

/**
 * One show from start to end on one TV, in order: the welcome screen before the first scan,
 * the board, a group completion, a clip, the welcome screen chosen during the game. Each test
 * starts from where the one before left the show.
 */
describe.skipIf(missing.length > 0)(title, () => {
  let xvfb: { display: string; child: ChildProcess } | undefined;
  let server: BuiltServer | undefined;
  let dir: string | undefined;
  let token: string;
  let gm: Peer;
  const serverLog: string[] = [];

  beforeAll(async () => {
    if (!existsSync(BUILT_MAIN)) throw new Error(`${BUILT_MAIN} is missing: run \`npm run build\` first (the npm scripts do)`);
    const folder = tempDir('tv-');
    dir = folder;
    const media = join(folder, 'media');
    const data = join(folder, 'data');
    mkdirSync(media);
    mkdirSync(data);
    copyFileSync(fileURLToPath(new URL('../../demo/media/idle.png', import.meta.url)), join(media, 'idle.png'));
    // A clip of one flat colour, long enough to be paused while it plays.
    await execFileAsync('ffmpeg', [
      '-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `color=c=0x${CLIP_RGB.map((c) => c.toString(16).padStart(2, '0')).join('')}:size=640x360:rate=25:duration=6`,
      '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', join(media, 'vid002.mp4'),
    ], { timeout: 30_000 });
    xvfb = await startXvfb();
    server = await spawnBuiltServer({
      DATA_DIR: data,
      ADMIN_PASSWORD,
      TOKENS_FILE: FIXTURE_TOKENS,
      MEDIA_DIR: media,
      VIDEO_PLAYER: 'mpv',
      VIDEO_OUTPUT: 'window',
      DISPLAY: xvfb.display,
      // Xvfb has no GPU: mpv's default output refuses a software renderer and falls back to
      // SDL, which does not fill a screen without a window manager; x11 does, OSD included.
      MPV_ARGS: '--vo=x11 --ao=null',
      WIFI_SSID: SSID,
      WIFI_PSK: PSK,
      GAME_MINUTES: '90',
    });
    createInterface({ input: server.child.stdout }).on('line', (line) => {
      serverLog.push(line);
      if (serverLog.length > 40) serverLog.shift();
    });
    token = LoginResponse.parse(okBody(await api(server.url, 'POST', '/api/admin/login', { body: { password: ADMIN_PASSWORD } }), 'login')).token;
    okBody(await api(server.url, 'POST', '/api/session', { token, body: { name: SESSION } }), 'new session');
    gm = await station(server.url, 'GM_TV');
  }, 60_000);

  afterAll(async () => {
    gm?.close();
    if (server) {
      server.child.kill('SIGTERM');
      await bounded(server.exited, 15_000, 'the server to stop').catch(() => server?.child.kill('SIGKILL'));
    }
    // A server that had to be killed leaves its mpv behind (it would die with the X screen anyway):
    // end it by the pid it left, if that process is still this test's mpv.
    if (dir) {
      const data = join(dir, 'data');
      try {
        const pid = Number(readFileSync(join(data, 'mpv.pid'), 'utf8').trim());
        if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(data)) process.kill(pid, 'SIGKILL');
      } catch {
        // no pid file left (a clean stop), or the process is gone
      }
    }
    if (xvfb) {
      const exited = new Promise<void>((resolve) => {
        if (xvfb?.child.exitCode !== null) resolve();
        else xvfb.child.once('exit', () => resolve());
      });
      xvfb.child.kill('SIGTERM');
      await bounded(exited, 10_000, 'Xvfb to stop').catch(() => xvfb?.child.kill('SIGKILL'));
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 40_000);

  const url = () => {
    if (!server) throw new Error('the server starts before the first test');
    return server.url;
  };
  const state = async () => GameState.parse(okBody(await api(url(), 'GET', '/api/state'), 'state'));

  /** Grabs and reads the screen into test-artifacts/tv-<name>.png. */
  async function shoot(name: string): Promise<Shot> {
    if (!xvfb) throw new Error('the X screen starts before the first test');
    const file = artifactPath(`tv-${name}.png`);
    await grab(xvfb.display, file);
    const words = await ocr(file);
    const rows = rowsOf(words);
    return { file, words, rows, text: rows.map((row) => row.text).join('\n') };
  }

  /** Grabs and reads the screen until it shows what `check` wants; bounded. */
  async function screenShowing(name: string, what: string, check: (shot: Shot) => boolean, timeoutMs = 20_000): Promise<Shot> {
    const deadline = Date.now() + timeoutMs;
    let shot = await shoot(name);
    while (!check(shot)) {
      if (Date.now() > deadline) {
        throw new Error(`the TV did not show ${what} within ${timeoutMs} ms; it read:\n${shot.text}\n--- server log ---\n${serverLog.join('\n')}`);
      }
      shot = await shoot(name);
    }
    return shot;
  }

  /** The board as the state says it should read: best first, one rank each (the test's scores differ). */
  async function expectedBoard(): Promise<BoardRow[]> {
    const { scores } = await state();
    const sorted = [...scores].sort((a, b) => b.currentScore - a.currentScore);
    expect(new Set(sorted.map((s) => s.currentScore)).size, 'the test gives every team its own score').toBe(sorted.length);
    return sorted.map((s, index) => ({ rank: index + 1, name: s.name, groups: s.completedGroups.length, score: s.currentScore.toLocaleString('en-US') }));
  }

  /** Every team on its own row, in rank order: its rank, its name, its completed groups, its score. */
  function showsBoard(shot: Shot, board: BoardRow[]): boolean {
    const rows = board.map((team) => shot.rows.findIndex((row) => row.text.includes(team.name)));
    if (rows.some((row) => row < 0)) return false;
    if (rows.some((row, i) => i > 0 && row <= (rows[i - 1] ?? -1))) return false;
    const digits = (word: string | undefined) => word?.replace(/\D/g, '');
    return board.every((team, i) => {
      const words = shot.rows[rows[i] ?? -1]?.words.map((w) => w.text) ?? [];
      return digits(words[0]) === String(team.rank) && digits(words.at(-2)) === String(team.groups) && words.at(-1) === team.score;
    });
  }

  it('shows the welcome screen before the first scan, with a Wi-Fi code a phone reads, clear of the text', async () => {
    const shot = await screenShowing('welcome', 'the welcome screen', (s) => s.text.includes('Scan to join') && s.text.includes(SESSION));
    // Where GMs connect (IDLE_TEXT's default): http, or https when the server has HTTPS on.
    const address = /GM stations: (https?:\/\/127\.0\.0\.1:\d+)/.exec(shot.text)?.[1];
    expect(address, shot.text).toBeDefined();
    expect(shot.text).toContain(`Wi-Fi: ${SSID}`);
    expect(shot.text).not.toContain('Score');

    const pixels = await pixelsOf(shot.file);
    const code = jsQR(pixels, WIDTH, HEIGHT);
    expect(code?.data).toBe(wifiJoinText(SSID, PSK));
    const { topLeftCorner, topRightCorner, bottomLeftCorner, bottomRightCorner } = code!.location;
    const square = whiteSquareAround(pixels, [topLeftCorner, topRightCorner, bottomLeftCorner, bottomRightCorner]);
    // The whole square is on the screen, and bigger than the code (its quiet zone is there).
    expect(square.left).toBeGreaterThan(0);
    expect(square.top).toBeGreaterThan(0);
    expect(square.right).toBeLessThan(WIDTH - 1);
    expect(square.bottom).toBeLessThan(HEIGHT - 1);
    expect(square.right - square.left).toBeGreaterThan(bottomRightCorner.x - topLeftCorner.x);
    // Every word of the screen's text lines stands clear of it.
    const expected = ['GM', 'stations:', address, ...SESSION.split(' '), 'Wi-Fi:', SSID, 'Scan', 'to', 'join'];
    const textWords = shot.words.filter((w) => expected.includes(w.text));
    expect(new Set(textWords.map((w) => w.text))).toEqual(new Set(expected));
    expect(textWords.filter((w) => overlaps(square, w)).map((w) => w.text)).toEqual([]);
  }, 60_000);

  it('shows the board once play starts: teams in rank order with their scores, the session and the time left', async () => {
    for (const name of ['Red Herrings', 'Blue Falcons', 'Night Owls']) {
      okBody(await api(url(), 'POST', '/api/teams', { token, body: { name } }), `team ${name}`);
    }
    await gm.submit('tok003', 'Blue Falcons');
    await gm.submit('tok005', 'Blue Falcons');
    await gm.submit('tok001', 'Night Owls');
    const board = await expectedBoard();
    expect(board.map((t) => t.name).at(-1)).toBe('Red Herrings');
    const shot = await screenShowing('board', 'the board', (s) => showsBoard(s, board));
    expect(shot.rows[0]?.text).toContain(SESSION);
    // 90 minutes planned: "1 h 30 min" (or "1 h 29 min" a minute on), "left" under it.
    expect(shot.text).toMatch(/\bmin\b/);
    expect(shot.text).toMatch(/\bleft\b/);
    // The Wi-Fi code is for setting up (IDLE_WIFI_QR=setup): gone once the game runs.
    expect(shot.text).not.toContain('Scan to join');
    expect(jsQR(await pixelsOf(shot.file), WIDTH, HEIGHT)).toBeNull();
  }, 60_000);

  it('announces a group completion, then shows the board again with the bonus counted', async () => {
    await gm.submit('pair01', 'Red Herrings');
    const { groupCompleted } = await gm.submit('pair02', 'Red Herrings');
    expect(groupCompleted?.group).toBe('Pair');
    const announced = await screenShowing('group', 'the group completion', (s) => s.text.includes('Pair complete'));
    expect(announced.text).toContain(`Red Herrings +${groupCompleted!.bonusPoints.toLocaleString('en-US')}`);
    expect(announced.rows[0]?.text).toContain(SESSION);
    // The announcement holds the screen alone.
    expect(announced.text).not.toContain('Night Owls');
    // Red Herrings move up from last, with their group counted.
    const board = await expectedBoard();
    expect(board.map((team) => team.name)).toEqual(['Blue Falcons', 'Red Herrings', 'Night Owls']);
    expect(board[1]?.groups).toBe(1);
    const shot = await screenShowing('board-after-group', 'the board after the announcement', (s) => showsBoard(s, board));
    expect(shot.text).not.toContain('complete');
  }, 60_000);

  it('gives the screen to a clip (no board over it) and brings the board back after it', async () => {
    const before = gm.received.length;
    const statusSince = (predicate: (status: VideoStatus) => boolean) =>
      gm.waitFor('video:status', (e) => gm.received.indexOf(e) >= before && predicate(e.data), 1, 20_000);
    okBody(await api(url(), 'POST', '/api/scan', { body: { tokenId: 'vid002', deviceId: 'player-1' } }), 'player scan');
    await statusSince((s) => s.status === 'playing');
    // Paused, the clip stays on the screen for as long as the grab and the reading take.
    okBody(await api(url(), 'POST', '/api/video', { token, body: { action: 'pause' } }), 'pause');
    await statusSince((s) => s.status === 'paused');
    const during = await shoot('clip');
    for (const text of ['Red Herrings', 'Blue Falcons', 'Night Owls', 'Score', SESSION]) expect(during.text).not.toContain(text);
    const pixels = await pixelsOf(during.file);
    for (const [x, y] of [[WIDTH / 2, HEIGHT / 2], [200, 100], [WIDTH - 200, HEIGHT - 100]] as const) {
      const i = (y * WIDTH + x) * 4;
      const rgb = [pixels[i] ?? 0, pixels[i + 1] ?? 0, pixels[i + 2] ?? 0];
      rgb.forEach((value, c) => expect(Math.abs(value - (CLIP_RGB[c] ?? 0)), `pixel ${x},${y} is the clip's colour (${rgb.join(',')})`).toBeLessThan(24));
    }
    okBody(await api(url(), 'POST', '/api/video', { token, body: { action: 'resume' } }), 'resume');
    await statusSince((s) => s.status === 'completed');
    await statusSince((s) => s.status === 'idle');
    const board = await expectedBoard();
    await screenShowing('board-after-clip', 'the board after the clip', (s) => showsBoard(s, board));
  }, 60_000);

  it('shows the welcome screen when staff choose it during the game, without the Wi-Fi code', async () => {
    okBody(await api(url(), 'POST', '/api/display', { token, body: { mode: 'welcome' } }), 'display welcome');
    const shot = await screenShowing('welcome-in-game', 'the welcome screen', (s) => s.text.includes('GM stations') && !s.text.includes('Score'));
    expect(shot.text).not.toContain('Scan to join');
    expect(jsQR(await pixelsOf(shot.file), WIDTH, HEIGHT)).toBeNull();
    okBody(await api(url(), 'POST', '/api/display', { token, body: { mode: 'scoreboard' } }), 'display scoreboard');
    const board = await expectedBoard();
    await screenShowing('board-again', 'the board', (s) => showsBoard(s, board));
  }, 60_000);
});
