import QRCode from 'qrcode';

export interface QrPlacement {
  /** Top-left corner of the code's white square, in OSD pixels of a 720-line canvas. */
  x: number;
  y: number;
  /** The most the code may take, quiet zone included, in OSD pixels; modules are whole pixels. */
  maxSide: number;
}

export interface QrDrawing {
  events: string[];
  /** The side actually drawn, quiet zone included. */
  side: number;
}

/** Light modules around the code, as the QR standard asks for readers to find it. */
const QUIET_ZONE = 4;

/** The dark modules of `text`'s QR code, row by row. */
export function qrModules(text: string): boolean[][] {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  return Array.from({ length: modules.size }, (_row, y) =>
    Array.from({ length: modules.size }, (_column, x) => modules.get(y, x) === 1),
  );
}

/**
 * A QR code as two ASS events for mpv's OSD: a white square (with the quiet zone) and the dark
 * modules drawn on it, one rectangle per horizontal run. Both drawings start at their own
 * (0, 0) and are placed with \pos, so libass's bounding-box alignment cannot shift one against
 * the other (a code's top-left, top-right and bottom-left modules are always dark).
 */
export function qrAssDrawing(text: string, placement: QrPlacement): QrDrawing {
  const modules = qrModules(text);
  const m = Math.max(2, Math.floor(placement.maxSide / (modules.length + 2 * QUIET_ZONE)));
  const side = (modules.length + 2 * QUIET_ZONE) * m;
  const style = '\\an7\\bord0\\shad0\\1a&H00&';
  const background = `{${style}\\pos(${placement.x},${placement.y})\\1c&HFFFFFF&\\p1}${rectangle(0, 0, side, side)}{\\p0}`;
  const runs: string[] = [];
  modules.forEach((row, y) => {
    let x = 0;
    while (x < row.length) {
      if (!row[x]) {
        x += 1;
        continue;
      }
      const start = x;
      while (x < row.length && row[x]) x += 1;
      runs.push(rectangle(start * m, y * m, x * m, (y + 1) * m));
    }
  });
  const offset = QUIET_ZONE * m;
  const dark = `{${style}\\pos(${placement.x + offset},${placement.y + offset})\\1c&H000000&\\p1}${runs.join(' ')}{\\p0}`;
  return { events: [background, dark], side };
}

function rectangle(x0: number, y0: number, x1: number, y1: number): string {
  return `m ${x0} ${y0} l ${x1} ${y0} ${x1} ${y1} ${x0} ${y1}`;
}
