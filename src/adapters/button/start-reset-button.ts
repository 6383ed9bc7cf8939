import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import { LedSignal } from '../../domain/led-signal.js';
import { defaultButtonTiming, ResetButton } from '../../domain/reset-button.js';
import type { Show } from '../../domain/show.js';
import type { ButtonLine } from '../../ports/button-line.js';
import { realTimers } from '../../ports/timers.js';
import { chooseButtonDriver } from './choose-driver.js';
import { EvdevButtonLine } from './evdev.js';
import { loadOnoff, OnoffButtonLine, OnoffLed } from './onoff.js';
import { sysfsGpioNumber } from './sysfs-gpio.js';

type ButtonConfig = Pick<
  Config,
  'RESET_BUTTON_DRIVER' | 'RESET_BUTTON_DEVICE' | 'RESET_BUTTON_PIN' | 'RESET_BUTTON_KEYCODE' | 'RESET_HOLD_MS' | 'RESET_LED_PIN' | 'HOST_ROOT'
>;

export interface RunningButton {
  close(): void;
}

/**
 * The hardware reset button, when one is wired: its long press is the same reset as the
 * admin's. Without a usable button there is one log line and "unavailable" in the health;
 * nothing else is affected.
 */
export async function startResetButton(config: ButtonConfig, show: Show, logger: Logger): Promise<RunningButton> {
  const log = logger.child({ component: 'button' });
  const unavailable = (why: string): RunningButton => {
    log.info(`no reset button: ${why}`);
    show.resetButtonStatus('unavailable');
    return { close: () => undefined };
  };

  const choice = chooseButtonDriver({
    driver: config.RESET_BUTTON_DRIVER,
    device: config.RESET_BUTTON_DEVICE,
    pin: config.RESET_BUTTON_PIN,
    hostRoot: config.HOST_ROOT,
  });
  if (choice.driver === 'none') return unavailable(choice.why);

  let line: ButtonLine;
  if (choice.driver === 'evdev') line = new EvdevButtonLine(choice.device, config.RESET_BUTTON_KEYCODE);
  else {
    const Gpio = await loadOnoff();
    if ('missing' in Gpio) return unavailable(Gpio.missing);
    line = new OnoffButtonLine(Gpio, choice.sysfsNumber);
  }

  const led = await startLed(config, log);
  const button = new ResetButton(
    {
      onReset: () => {
        const session = show.reset('button');
        log.warn({ sessionId: session.id }, 'game reset by the button');
      },
      onEvent: (event) => {
        log.info({ event }, 'reset button');
        if (event.kind === 'stuck') show.resetButtonStatus('fault');
        if (event.kind === 'recovered') show.resetButtonStatus('ok');
      },
      onLed: (pattern) => led?.signal.show(pattern),
    },
    realTimers,
    { ...defaultButtonTiming, holdMs: config.RESET_HOLD_MS },
  );
  let lost = false;
  show.resetButtonStatus('ok');
  line.start(
    (active) => button.lineChanged(active),
    (why) => {
      lost = true;
      log.error({ why }, 'the reset button stopped working');
      button.stop();
      show.resetButtonStatus('unavailable');
    },
  );
  if (!lost) log.info({ ...choice, holdMs: config.RESET_HOLD_MS, led: config.RESET_LED_PIN }, 'reset button ready');
  return {
    close: () => {
      button.stop();
      line.close();
      led?.signal.stop();
      led?.close();
    },
  };
}

/** The optional status LED; a missing or unusable one is logged and left out. */
async function startLed(config: ButtonConfig, log: Logger): Promise<{ signal: LedSignal; close(): void } | undefined> {
  if (config.RESET_LED_PIN === undefined) return undefined;
  const sysfsNumber = sysfsGpioNumber(config.RESET_LED_PIN, config.HOST_ROOT);
  if (sysfsNumber === undefined) {
    log.warn({ pin: config.RESET_LED_PIN }, 'no status LED: no Raspberry Pi GPIO chip in sysfs');
    return undefined;
  }
  const Gpio = await loadOnoff();
  if ('missing' in Gpio) {
    log.warn({ pin: config.RESET_LED_PIN }, `no status LED: ${Gpio.missing}`);
    return undefined;
  }
  try {
    const led = new OnoffLed(Gpio, sysfsNumber);
    return { signal: new LedSignal((on) => led.write(on), realTimers), close: () => led.close() };
  } catch (error) {
    log.warn({ pin: config.RESET_LED_PIN, err: error }, 'no status LED: its GPIO line could not be opened');
    return undefined;
  }
}
