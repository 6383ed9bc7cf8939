import type { RoomView } from '../../contract/index.js';
import { shortened } from '../../domain/room-view.js';
import { qrAssDrawing } from './osd-qr.js';

/**
 * The room view as ASS events for mpv's OSD, on a fixed 1280×720 canvas (mpv scales it to the
 * screen: 1920×1080 and 1280×720 look the same). Every text stands on an opaque dark box, so it
 * reads against any idle image (white on #10131A is 18:1); no text is under 30 canvas pixels
 * (4.2 % of the height, readable from the back of a room).
 */
export const CANVAS = { width: 1280, height: 720 } as const;

export interface RoomAssOptions {
  /** The Wi-Fi join code and its caption, when the welcome screen shows it. */
  qr?: { text: string; caption: string } | undefined;
  /** The idle media carries no headline of its own (none configured): draw it. */
  drawHeadline: boolean;
}

const BACKGROUND = '&H1A1310&'; // #10131A
const WHITE = '&HFFFFFF&';
const SOFT = '&HE6DDD6&'; // #D6DDE6: captions, 13:1 on the background
const AMBER = '&H3DC8FF&'; // #FFC83D: overtime and announcements, 11:1 on the background
const MARGIN = 48;
const TEXT = '\\bord0\\shad0\\1a&H00&';

export function roomAssEvents(view: RoomView, options: RoomAssOptions): string[] {
  return [...screen(view, options), ...messageBand(view)];
}

function screen(view: RoomView, options: RoomAssOptions): string[] {
  switch (view.screen) {
    case 'welcome':
      return welcome(view, options);
    case 'scoreboard':
      return scoreboard(view);
    case 'announcement':
      return announcement(view);
  }
}

/**
 * A cue's message: an amber line on a dark band across the screen, over the board's last rows
 * (above the welcome screen's band of where GMs connect), clear of the title and the clock.
 */
function messageBand(view: RoomView): string[] {
  if (view.message === undefined) return [];
  const height = 96;
  const bottom = view.screen === 'welcome' ? CANVAS.height - 176 : CANVAS.height;
  return [box(0, bottom - height, CANVAS.width, bottom), text(CANVAS.width / 2, bottom - height / 2, 44, AMBER, shortened(view.message, 52), 5, true)];
}

function scoreboard(view: RoomView): string[] {
  const events = [box(0, 0, CANVAS.width, CANVAS.height), ...header(view)];
  const top = 184;
  const step = 46;
  events.push(
    text(MARGIN, top - 44, 30, SOFT, '#', 7),
    text(MARGIN + 70, top - 44, 30, SOFT, 'Team', 7),
    text(930, top - 44, 30, SOFT, 'Groups', 8),
    text(CANVAS.width - MARGIN, top - 44, 30, SOFT, 'Score', 9),
  );
  view.rows.forEach((row, index) => {
    const y = top + index * step;
    events.push(
      text(MARGIN, y, 36, SOFT, String(row.rank), 7),
      text(MARGIN + 70, y, 36, WHITE, row.shortName, 7),
      text(930, y, 36, WHITE, String(row.groups), 8),
      text(CANVAS.width - MARGIN, y, 36, WHITE, row.score, 9, true),
    );
  });
  if (view.rows.length === 0) events.push(text(MARGIN + 70, top, 36, SOFT, 'No teams yet', 7));
  if (view.moreTeams > 0) events.push(text(MARGIN + 70, CANVAS.height - 54, 30, SOFT, `+ ${view.moreTeams} more ${view.moreTeams === 1 ? 'team' : 'teams'}`, 7));
  return events;
}

function announcement(view: RoomView): string[] {
  const [what, who] = (view.announcement ?? '').split(' — ');
  const events = [box(0, 0, CANVAS.width, CANVAS.height), ...header(view)];
  events.push(text(CANVAS.width / 2, 330, 64, AMBER, what ?? '', 5, true));
  if (who !== undefined) events.push(text(CANVAS.width / 2, 430, 52, WHITE, who, 5, true));
  return events;
}

/** The session's name at the top left, the clock at the top right. */
function header(view: RoomView): string[] {
  const events = [text(MARGIN, 36, 40, WHITE, shortened(view.title, 34), 7, true)];
  if (view.clock) {
    const colour = view.clock.overtime ? AMBER : WHITE;
    events.push(text(CANVAS.width - MARGIN, 18, 64, colour, view.clock.text, 9, true));
    events.push(text(CANVAS.width - MARGIN, 92, 30, view.clock.overtime ? AMBER : SOFT, view.clock.caption, 9));
  }
  return events;
}

/**
 * The idle media shows through; a band along the bottom carries where GMs connect, and the
 * Wi-Fi join code stands in the bottom right corner, clear of a headline in the middle.
 */
function welcome(view: RoomView, options: RoomAssOptions): string[] {
  const band = 170;
  const events: string[] = [];
  if (options.drawHeadline) events.push(text(CANVAS.width / 2, 300, 56, WHITE, view.title, 5, true));
  events.push(box(0, CANVAS.height - band, CANVAS.width, CANVAS.height));
  if (options.qr) {
    const { side } = qrAssDrawing(options.qr.text, { x: 0, y: 0, maxSide: 230 });
    const left = CANVAS.width - 24 - side;
    events.push(...qrAssDrawing(options.qr.text, { x: left, y: CANVAS.height - 24 - side, maxSide: 230 }).events);
    events.push(text(left - 24, CANVAS.height - band + 22, 30, WHITE, options.qr.caption, 9, true));
    events.push(text(left - 24, CANVAS.height - band + 62, 30, SOFT, 'Scan to join', 9));
  }
  const maxChars = options.qr ? 40 : 70;
  view.lines.slice(0, 3).forEach((line, index) => {
    events.push(text(MARGIN, CANVAS.height - band + 22 + index * 44, 30, index === 0 ? WHITE : SOFT, shortened(line, maxChars), 7));
  });
  return events;
}

function text(x: number, y: number, size: number, colour: string, value: string, align: 5 | 7 | 8 | 9, bold = false): string {
  return `{\\an${align}\\pos(${Math.round(x)},${Math.round(y)})\\fs${size}${bold ? '\\b1' : '\\b0'}${TEXT}\\1c${colour}\\q2}${assEscape(value)}`;
}

function box(x0: number, y0: number, x1: number, y1: number): string {
  return `{\\an7\\pos(0,0)\\bord0\\shad0\\1a&H00&\\1c${BACKGROUND}\\p1}m ${x0} ${y0} l ${x1} ${y0} ${x1} ${y1} ${x0} ${y1}{\\p0}`;
}

/** Text as ASS shows it literally: braces would start override tags. */
export function assEscape(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/[{}]/g, (brace) => `\\${brace}`).replace(/\r?\n/g, '\\N');
}
