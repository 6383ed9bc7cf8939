import { AppError, type CurrentVideo, type VideoItem, type VideoOverview, type VideoStatus } from '../contract/index.js';
import type { Clock } from '../ports/clock.js';
import type { MediaLibrary } from '../ports/media-library.js';
import type { VideoQueueStore } from '../ports/store.js';
import type { VideoPlayer } from '../ports/video-player.js';

export type BusyPolicy = 'reject' | 'queue';

export interface VideoQueueDeps {
  player: VideoPlayer;
  store: VideoQueueStore;
  media: MediaLibrary;
  clock: Pick<Clock, 'now'>;
  newId: () => string;
  /** What a player scan of a video does while another one plays. */
  busyPolicy: BusyPolicy;
  /** Clips waiting at most (the one playing not counted); more are refused with VIDEO_BUSY. */
  maxWaiting?: number;
}

export const VIDEO_BUSY_MESSAGE = 'Memory processing, try again';
export const DEFAULT_MAX_VIDEO_QUEUE = 10;

/**
 * One clip on the TV at a time. Requests wait in order; each item is stored as it changes,
 * so after a restart the queue resumes and an item cut off mid-play is marked failed.
 */
export class VideoQueue {
  private current: VideoItem | undefined;
  private expectedEnd: number | undefined;
  private waiting: VideoItem[] = [];
  private status: VideoStatus = { status: 'idle' };

  private readonly maxWaiting: number;

  constructor(private readonly deps: VideoQueueDeps) {
    this.maxWaiting = deps.maxWaiting ?? DEFAULT_MAX_VIDEO_QUEUE;
  }

  /**
   * Picks up what a previous run left: interrupted items fail, queued ones play, and what
   * lies beyond the queue's cap (left by an older version) is dropped, not played hours late.
   */
  restore(): void {
    for (const item of this.deps.store.unfinishedVideoItems()) {
      if (item.status === 'playing') this.end(item, 'failed', 'interrupted: the orchestrator restarted during playback');
      else if (this.waiting.length >= this.maxWaiting) this.end(item, 'stopped', `dropped at start: the queue holds ${this.maxWaiting} clips`);
      else this.waiting.push(item);
    }
    this.playNext();
  }

  /**
   * A player scanned a video token: plays it, queues it, or refuses it while busy (409). A
   * scanner has at most one clip waiting, so no one device can fill the queue.
   */
  requestFromScan(tokenId: string, video: string, requestedBy: string): VideoItem {
    if (this.current && this.deps.busyPolicy === 'reject') {
      throw new AppError('VIDEO_BUSY', VIDEO_BUSY_MESSAGE);
    }
    if (this.waiting.some((item) => item.requestedBy === requestedBy)) {
      throw new AppError('VIDEO_BUSY', 'this scanner already has a clip waiting for the TV');
    }
    return this.enqueue(tokenId, video, requestedBy);
  }

  /** An admin asked for a clip: it waits its turn, unless the queue is full. */
  enqueue(tokenId: string, video: string, requestedBy: string): VideoItem {
    if (this.current && this.waiting.length >= this.maxWaiting) {
      throw new AppError('VIDEO_BUSY', `the video queue is full (${this.maxWaiting} clips waiting): try again later`);
    }
    this.deps.media.resolve(video); // refuse a path outside the media folder before storing it
    const item: VideoItem = {
      id: this.deps.newId(),
      tokenId,
      video,
      requestedBy,
      status: 'queued',
      requestedAt: this.nowIso(),
    };
    this.deps.store.saveVideoItem(item);
    this.waiting.push(item);
    if (!this.current) this.playNext();
    return item;
  }

  pause(): void {
    this.deps.player.pause();
  }

  resume(): void {
    this.deps.player.resume();
  }

  /** Ends the current clip and moves on to the next one (or idle). */
  skip(): void {
    if (!this.current) return;
    this.end(this.current, 'skipped');
    if (!this.playNext()) this.deps.player.stop();
  }

  /** Stops the current clip, drops the queue and returns the TV to idle. */
  stop(): void {
    for (const item of this.waiting) this.end(item, 'stopped');
    this.waiting = [];
    if (this.current) this.end(this.current, 'stopped');
    this.deps.player.stop();
  }

  /** Follows the player's reports about the current clip. */
  statusChanged(status: VideoStatus): void {
    this.status = status;
    const item = this.current;
    if (!item || (status.tokenId !== undefined && status.tokenId !== item.tokenId)) return;
    if (status.status === 'playing' && status.duration !== undefined) {
      const remaining = status.duration * (1 - (status.progress ?? 0) / 100);
      this.expectedEnd = this.deps.clock.now() + remaining * 1000;
    } else if (status.status === 'completed') {
      this.end(item, 'completed');
      this.playNext();
    } else if (status.status === 'error') {
      this.end(item, 'failed', status.error);
      this.playNext();
    }
  }

  get busy(): boolean {
    return this.current !== undefined;
  }

  currentVideo(): CurrentVideo | undefined {
    const item = this.current;
    if (!item) return undefined;
    return {
      tokenId: item.tokenId,
      startTime: item.startedAt ?? item.requestedAt,
      ...(this.expectedEnd === undefined ? {} : { expectedEndTime: new Date(this.expectedEnd).toISOString() }),
      requestedBy: item.requestedBy,
    };
  }

  overview(): VideoOverview {
    return { status: this.status, ...(this.current ? { current: this.current } : {}), queue: [...this.waiting] };
  }

  private playNext(): boolean {
    while (this.waiting.length > 0) {
      const item = this.waiting.shift()!;
      let file: string;
      try {
        file = this.deps.media.resolve(item.video);
      } catch (error) {
        this.end(item, 'failed', error instanceof Error ? error.message : String(error));
        continue;
      }
      const started: VideoItem = { ...item, status: 'playing', startedAt: this.nowIso() };
      this.deps.store.saveVideoItem(started);
      this.current = started;
      this.expectedEnd = undefined;
      this.deps.player.play({ tokenId: item.tokenId, file });
      return true;
    }
    return false;
  }

  private end(item: VideoItem, status: VideoItem['status'], reason?: string): void {
    this.deps.store.saveVideoItem({ ...item, status, ...(reason === undefined ? {} : { reason }), endedAt: this.nowIso() });
    if (this.current?.id === item.id) {
      this.current = undefined;
      this.expectedEnd = undefined;
    }
  }

  private nowIso(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }
}
