import jsqr from 'jsqr';

// jsqr is CommonJS with `exports.default`: an ES default import is its exports object.
const jsQR = jsqr.default;

/** The part of the Shape Detection API used here (Chrome on Android, Safari 17+); absent elsewhere. */
interface BarcodeDetectorLike {
  detect(source: CanvasImageSource): Promise<Array<{ rawValue: string }>>;
}
interface BarcodeDetectorConstructor {
  new (options: { formats: string[] }): BarcodeDetectorLike;
  getSupportedFormats?(): Promise<string[]>;
}

/** A frame is looked at this often: enough to read a code held up, little work for a phone. */
const FRAME_EVERY_MS = 150;
/** Frames are read at most this wide: a QR code held up to the camera stays readable, jsQR stays fast. */
const MAX_FRAME_WIDTH = 640;

/**
 * Reads QR codes carrying a token id from the back camera: the browser's BarcodeDetector
 * where it has one that reads QR codes, else jsQR, bundled so that it works with the Wi-Fi
 * gone. It stops the camera at the first code read: one scan per press.
 */
export class CameraReader {
  private stream: MediaStream | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly canvas = document.createElement('canvas');

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly onCode: (text: string) => void,
  ) {}

  /** Whether this browser can give the page a camera at all (a secure context, a camera API). */
  static get available(): boolean {
    return typeof navigator.mediaDevices?.getUserMedia === 'function';
  }

  get running(): boolean {
    return this.stream !== undefined;
  }

  /** Opens the camera; rejects when the player refuses it or there is none. */
  async start(): Promise<void> {
    if (this.stream) return;
    const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
    this.stream = stream;
    this.video.srcObject = stream;
    await this.video.play();
    const read = await this.decoder();
    const look = () => {
      this.timer = undefined;
      if (this.stream !== stream) return;
      read().then(
        (text) => {
          if (this.stream !== stream) return;
          if (text === undefined) this.timer = setTimeout(look, FRAME_EVERY_MS);
          else {
            this.stop();
            this.onCode(text);
          }
        },
        () => {
          if (this.stream === stream) this.timer = setTimeout(look, FRAME_EVERY_MS);
        },
      );
    };
    look();
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = undefined;
    this.video.srcObject = null;
  }

  /** The text of a QR code in the current frame, if there is one. */
  private async decoder(): Promise<() => Promise<string | undefined>> {
    const Detector = (window as unknown as { BarcodeDetector?: BarcodeDetectorConstructor }).BarcodeDetector;
    const formats = Detector?.getSupportedFormats ? await Detector.getSupportedFormats().catch(() => []) : [];
    if (Detector && formats.includes('qr_code')) {
      const detector = new Detector({ formats: ['qr_code'] });
      return async () => (await detector.detect(this.video))[0]?.rawValue || undefined;
    }
    return () => Promise.resolve(this.decodeFrame());
  }

  private decodeFrame(): string | undefined {
    const { videoWidth, videoHeight } = this.video;
    if (videoWidth === 0 || videoHeight === 0) return undefined;
    const scale = Math.min(1, MAX_FRAME_WIDTH / videoWidth);
    const width = Math.round(videoWidth * scale);
    const height = Math.round(videoHeight * scale);
    this.canvas.width = width;
    this.canvas.height = height;
    const context = this.canvas.getContext('2d', { willReadFrequently: true });
    if (!context) return undefined;
    context.drawImage(this.video, 0, 0, width, height);
    return jsQR(context.getImageData(0, 0, width, height).data, width, height, { inversionAttempts: 'dontInvert' })?.data || undefined;
  }
}
