import type { TlsInfo } from '../../contract/index.js';

/** The part of Web NFC (Chrome on Android) the station uses; absent elsewhere. */
interface NdefRecord {
  recordType: string;
  data?: DataView;
  encoding?: string;
}
interface NdefReadingEvent extends Event {
  serialNumber: string;
  message: { records: NdefRecord[] };
}
interface NdefReader extends EventTarget {
  scan(): Promise<void>;
}
type NdefReaderConstructor = new () => NdefReader;

/**
 * The token id on a tag: its first text record, else its serial number (bare RFID tags
 * carry no records). Text records are decoded with their declared encoding.
 */
export function tokenIdFromTag(event: NdefReadingEvent): string | undefined {
  const text = event.message.records.find((record) => record.recordType === 'text' && record.data);
  if (text?.data) return new TextDecoder(text.encoding ?? 'utf-8').decode(text.data).trim() || undefined;
  return event.serialNumber ? event.serialNumber.replace(/:/g, '') : undefined;
}

/**
 * Offers "Scan with NFC" where the browser has Web NFC. Scanning needs a user gesture, so it
 * starts on the first press and then reads every tag held to the tablet.
 */
export function offerNfc(button: HTMLButtonElement, onToken: (tokenId: string) => void, onProblem: (message: string) => void): void {
  const Reader = (window as unknown as { NDEFReader?: NdefReaderConstructor }).NDEFReader;
  if (!Reader) return;
  button.hidden = false;
  let started = false;
  button.addEventListener('click', () => {
    if (started) return;
    const reader = new Reader();
    reader.addEventListener('reading', (event) => {
      const tokenId = tokenIdFromTag(event as NdefReadingEvent);
      if (tokenId) onToken(tokenId);
      else onProblem('This tag carries no token id');
    });
    reader.addEventListener('readingerror', () => onProblem('The tag could not be read: hold it still and try again'));
    reader.scan().then(
      () => {
        started = true;
        button.textContent = 'NFC on: hold a token to the tablet';
      },
      (error: unknown) => onProblem(`NFC is not available: ${error instanceof Error ? error.message : String(error)}`),
    );
  });
}

/**
 * Chrome on Android has Web NFC only on a secure page: on the plain address it says so and
 * links to the same page on the orchestrator's HTTPS port (from `/api/tls`), with the
 * station token in the fragment as the admin page's join code carries it, since the secure
 * address is another origin whose storage starts empty.
 */
export function offerSecureAddress(hint: HTMLElement, link: HTMLAnchorElement, stationToken: () => string): void {
  if (location.protocol !== 'http:' || window.isSecureContext || 'NDEFReader' in window || !/Android/i.test(navigator.userAgent)) return;
  void fetch('/api/tls')
    .then((response) => (response.ok ? (response.json() as Promise<TlsInfo>) : undefined))
    .then((info) => {
      if (info === undefined || info.httpsPort === null) return;
      const secure = new URL('/gm', location.href);
      secure.protocol = 'https:';
      secure.port = String(info.httpsPort);
      secure.hash = '';
      link.href = secure.href;
      link.addEventListener('click', () => {
        const token = stationToken();
        link.href = token ? `${secure.href}#token=${encodeURIComponent(token)}` : secure.href;
      });
      hint.hidden = false;
    })
    .catch(() => undefined);
}
