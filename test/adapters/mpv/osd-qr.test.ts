import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jsQRModule from 'jsqr';
import { afterAll, describe, expect, it } from 'vitest';
import { qrAssDrawing, qrModules } from '../../../src/adapters/mpv/osd-qr.js';
import { wifiJoinText } from '../../../src/adapters/video/idle-text.js';
import { tempDir } from '../../support/temp-dir.js';

// jsqr is CommonJS with an ES-style `default` in its types: the function is on both.
const jsQR = jsQRModule.default;
const dir = tempDir('osd-qr-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const WIDTH = 1280;
const HEIGHT = 720;

/**
 * Draws ASS events on a dark 720p frame with libass (through ffmpeg's `ass` filter: the same
 * renderer mpv's OSD uses; mpv's headless outputs do not draw the OSD) and returns the RGBA pixels.
 */
function renderWithLibass(events: string[]): Uint8ClampedArray {
  const script = [
    '[Script Info]',
    'ScriptType: v4.00+',
    `PlayResX: ${WIDTH}`,
    `PlayResY: ${HEIGHT}`,
    '',
    '[V4+ Styles]',
    'Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding',
    // mpv's OSD defaults: white text, black border, a shadow.
    'Style: Default,sans-serif,30,&H00FFFFFF,&H00FFFFFF,&H00000000,&H80000000,0,0,0,0,100,100,0,0,1,2,1,2,10,10,10,1',
    '',
    '[Events]',
    'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
    ...events.map((event) => `Dialogue: 0,0:00:00.00,0:00:05.00,Default,,0,0,0,,${event}`),
    '',
  ].join('\n');
  const file = join(dir, 'overlay.ass');
  writeFileSync(file, script);
  const raw = execFileSync(
    'ffmpeg',
    ['-loglevel', 'error', '-f', 'lavfi', '-i', `color=c=0x203040:s=${WIDTH}x${HEIGHT}:d=1`, '-vf', `ass=${file}`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'],
    { maxBuffer: WIDTH * HEIGHT * 8 },
  );
  return new Uint8ClampedArray(raw.buffer, raw.byteOffset, raw.length);
}

describe('the Wi-Fi QR code on the idle screen', () => {
  it.each([
    ['a plain name', 'ShowControl', 'secret123'],
    ['escaped characters', 'Bar;Back\\Room "2"', 'p:a,s;s\\word'],
    ['a long passphrase', 'Venue-Hotspot', 'x'.repeat(63)],
  ])('is drawn by libass as a code a phone can read (%s)', (_case, ssid, psk) => {
    const text = wifiJoinText(ssid, psk);
    const { events, side } = qrAssDrawing(text, { x: 40, y: 40, maxSide: 320 });
    const decoded = jsQR(renderWithLibass(events), WIDTH, HEIGHT);
    expect(decoded?.data).toBe(text);
    // The whole code, quiet zone included, sits inside the top-left corner it was placed in.
    expect(side).toBeLessThanOrEqual(320);
    expect(decoded?.location.topLeftCorner.x).toBeGreaterThan(40);
    expect(decoded?.location.bottomRightCorner.y).toBeLessThan(40 + side);
  });

  it('draws one rectangle per horizontal run of dark modules', () => {
    const text = wifiJoinText('ShowControl', 'secret123');
    const modules = qrModules(text);
    const runs = modules.reduce((count, row) => count + row.filter((dark, x) => dark && !row[x - 1]).length, 0);
    const [, dark] = qrAssDrawing(text, { x: 0, y: 0, maxSide: 200 }).events;
    expect(dark?.match(/m /g)?.length).toBe(runs);
  });
});
