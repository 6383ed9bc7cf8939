import type { PlayerScanResponse, PlayerToken } from '../../contract/index.js';
import { byId } from '../shared/render.js';
import type { Replayed } from './scan-outbox.js';

/** How an answer reads: the TV has it, try again, refused, kept for later, or just found. */
export type AnswerTone = 'tv' | 'busy' | 'refused' | 'saved' | 'found';

/**
 * What the player sees after a scan, one thing at a time: a big answer line, a line under it,
 * a "Try again" button when trying again can help, and the memory's picture and sound.
 */
export class MemoryView {
  private readonly answer = byId('answer');
  private readonly detail = byId('answer-detail');
  private readonly retry = byId<HTMLButtonElement>('retry');
  private readonly image = byId<HTMLImageElement>('memory-image');
  private readonly audio = byId<HTMLAudioElement>('memory-audio');
  private readonly replayed = byId('replayed');

  constructor(onRetry: () => void) {
    this.retry.addEventListener('click', onRetry);
  }

  /** A message with nothing to show: clears the memory of the scan before. */
  say(text: string, tone: AnswerTone, detail = '', offerRetry = false): void {
    this.clearMedia();
    this.answer.textContent = text;
    this.answer.className = `answer ${tone}`;
    this.detail.textContent = detail;
    this.detail.hidden = detail === '';
    this.retry.hidden = !offerRetry;
  }

  /** A recorded scan: the TV's clip, the picture, the sound. */
  recorded(answer: PlayerScanResponse, token: PlayerToken | undefined): void {
    if (answer.video) this.say('Watch the TV', 'tv', 'Your memory is playing on the screen.');
    else if (answer.stale === true) this.say('Memory found', 'found', 'Scanned too long ago to play on the TV: scan it again to watch it.');
    else this.say('Memory found', 'found');
    if (token?.image !== undefined) {
      this.image.src = token.image;
      this.image.alt = `Memory ${token.id}`;
      this.image.hidden = false;
    }
    if (token?.audio !== undefined) {
      this.audio.src = token.audio;
      this.audio.hidden = false;
      // The Scan press allows sound; where the browser still refuses, the controls stay.
      this.audio.play().catch(() => undefined);
    }
  }

  /** What became of the scans sent after a Wi-Fi gap. */
  replayedScans(outcome: Replayed): void {
    const parts = [`${outcome.sent} saved ${outcome.sent === 1 ? 'scan' : 'scans'} sent`];
    if (outcome.stale > 0) parts.push(`${outcome.stale} too late to play on the TV`);
    if (outcome.refused > 0) parts.push(`${outcome.refused} refused`);
    this.replayed.textContent = parts.join(' · ');
    this.replayed.hidden = false;
  }

  private clearMedia(): void {
    this.image.hidden = true;
    this.image.removeAttribute('src');
    this.image.alt = '';
    this.audio.pause();
    this.audio.hidden = true;
    if (this.audio.hasAttribute('src')) {
      this.audio.removeAttribute('src');
      this.audio.load();
    }
  }
}
