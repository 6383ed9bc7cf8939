import { toDataURL } from 'qrcode';
import type { StationAccessResponse } from '../../contract/index.js';
import { byId } from '../shared/render.js';

/** What a GM tablet opens from the QR code: the token rides in the fragment, which browsers never send to a server. */
export function joinUrl(token: string): string {
  return `${location.origin}/gm#token=${encodeURIComponent(token)}`;
}

/** Who may be a GM station: holders of the token (shown, with a QR code to join), or anyone, said as a warning. */
export async function showStationAccess(access: StationAccessResponse): Promise<void> {
  const token = access.open ? null : access.token;
  byId('stations-open').hidden = token !== null;
  byId('stations-closed').hidden = token === null;
  if (token === null) return;
  byId('station-token').textContent = token;
  byId<HTMLImageElement>('station-qr').src = await toDataURL(joinUrl(token), { errorCorrectionLevel: 'M', margin: 4, scale: 8 });
}
