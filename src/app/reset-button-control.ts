import type { Logger } from 'pino';
import { LedSignal } from '../domain/led-signal.js';
import { defaultButtonTiming, ResetButton } from '../domain/reset-button.js';
import type { ButtonHardware } from '../ports/button-line.js';
import type { Clock } from '../ports/clock.js';
import type { GameReset } from '../ports/game-reset.js';
import type { Component } from './lifecycle.js';

/**
 * The hardware reset button: its long press is the same reset as the admin's. Without a
 * usable button there is one log line and "unavailable" in the system status; nothing else
 * is affected.
 */
export class ResetButtonControl implements Component {
  readonly name = 'reset button';
  private button: ResetButton | undefined;
  private signal: LedSignal | undefined;

  constructor(
    private readonly hardware: ButtonHardware,
    private readonly game: GameReset,
    private readonly clock: Clock,
    private readonly holdMs: number,
    private readonly log: Logger,
  ) {}

  start(): void {
    const hardware = this.hardware;
    if ('unavailable' in hardware) {
      this.log.info(`no reset button: ${hardware.unavailable}`);
      this.game.resetButtonStatus('unavailable');
      return;
    }
    const led = hardware.led;
    this.signal = led ? new LedSignal((on) => led.write(on), this.clock) : undefined;
    const button = new ResetButton(
      {
        onReset: () => {
          const session = this.game.reset('button');
          this.log.warn({ sessionId: session.id }, 'game reset by the button');
        },
        onEvent: (event) => {
          this.log.info({ event }, 'reset button');
          if (event.kind === 'stuck') this.game.resetButtonStatus('fault');
          if (event.kind === 'recovered') this.game.resetButtonStatus('ok');
        },
        onLed: (pattern) => this.signal?.show(pattern),
      },
      this.clock,
      { ...defaultButtonTiming, holdMs: this.holdMs },
    );
    this.button = button;
    let lost = false;
    this.game.resetButtonStatus('ok');
    hardware.line.start(
      (active, atMs) => button.lineChanged(active, atMs),
      (why) => {
        lost = true;
        this.log.error({ why }, 'the reset button stopped working');
        button.stop();
        this.game.resetButtonStatus('unavailable');
      },
    );
    if (!lost) this.log.info({ ...hardware.describe, holdMs: this.holdMs }, 'reset button ready');
  }

  stop(): void {
    this.button?.stop();
    if ('unavailable' in this.hardware) return;
    this.hardware.line.close();
    this.signal?.stop();
    this.hardware.led?.close();
  }
}
