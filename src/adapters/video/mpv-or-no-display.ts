import type { Logger } from 'pino';
import type { RoomView, VideoStatus } from '../../contract/index.js';
import type { PlayRequest, VideoPlayer } from '../../ports/video-player.js';
import { MpvMissingError } from '../mpv/mpv-process.js';
import { NoDisplayPlayer } from './no-display.js';

/**
 * The TV through mpv, or, when mpv is not installed, no display: the log says how to install
 * it and everything else runs. Decided when started; what the player does afterwards is the
 * chosen one's.
 */
export class MpvOrNoDisplay implements VideoPlayer {
  private current: VideoPlayer;

  constructor(
    mpv: VideoPlayer,
    private readonly log: Logger,
  ) {
    this.current = mpv;
  }

  get displayReady(): boolean {
    return this.current.displayReady;
  }

  get audioReady(): boolean | undefined {
    return this.current.audioReady;
  }

  async start(): Promise<void> {
    try {
      await this.current.start();
    } catch (error) {
      if (!(error instanceof MpvMissingError)) throw error;
      this.log.error(`${error.message}. Running without a display until then.`);
      this.current = new NoDisplayPlayer('mpv is not installed: no video display');
    }
  }

  play(request: PlayRequest): void {
    this.current.play(request);
  }

  pause(): void {
    this.current.pause();
  }

  resume(): void {
    this.current.resume();
  }

  stop(): void {
    this.current.stop();
  }

  showRoom(view: RoomView): void {
    this.current.showRoom(view);
  }

  onStatus(listener: (status: VideoStatus) => void): void {
    this.current.onStatus(listener);
  }

  close(): Promise<void> {
    return this.current.close();
  }
}
