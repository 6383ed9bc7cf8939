import { toDataURL } from 'qrcode';
import type { TlsInfo } from '../../contract/index.js';
import { byId } from '../shared/render.js';

/** `path` on this page's host, on the given scheme and port (an IPv6 host keeps its brackets). */
function addressOf(scheme: 'http:' | 'https:', port: number, path: string): string {
  const url = new URL(path, location.href);
  url.protocol = scheme;
  url.port = String(port);
  url.hash = '';
  url.search = '';
  return url.href;
}

/**
 * Where a tablet downloads the CA: the plain address, since it does not trust the secure one
 * yet (the fingerprint shown beside it is how staff check that nothing swapped it on the way).
 */
export function certificateUrl(info: TlsInfo): string {
  return addressOf('http:', info.httpPort, '/ca.crt');
}

/** The GM page on the secure address, where Chrome on Android offers Web NFC. */
export function secureGmUrl(info: TlsInfo): string | undefined {
  return info.httpsPort === null ? undefined : addressOf('https:', info.httpsPort, '/gm');
}

/** The "Secure address" card: the CA's fingerprint, a QR code to download it, and how to trust it on a tablet. */
export async function showCertificate(info: TlsInfo): Promise<void> {
  const secure = secureGmUrl(info);
  byId('certificate-on').hidden = secure === undefined || info.caFingerprint === null;
  byId('certificate-off').hidden = secure !== undefined;
  if (secure === undefined || info.caFingerprint === null) return;
  const secureLink = byId<HTMLAnchorElement>('secure-url');
  secureLink.href = secure;
  secureLink.textContent = secure;
  const download = certificateUrl(info);
  byId<HTMLAnchorElement>('certificate-link').href = download;
  byId('certificate-fingerprint').textContent = info.caFingerprint;
  byId<HTMLImageElement>('certificate-qr').src = await toDataURL(download, { errorCorrectionLevel: 'M', margin: 4, scale: 8 });
}
