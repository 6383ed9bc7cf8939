import type { Logger } from 'pino';

/** Anything that holds a timer, a listener, a child process or a socket. */
export interface Component {
  readonly name: string;
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
}

/**
 * The running components in start order. Stopping goes in reverse; each stop is guarded (a
 * failure is logged and the next one still stops) and bounded (one that hangs is given up
 * after `stopTimeoutMs`), so stopping always ends.
 */
export class Lifecycle {
  private readonly started: Component[] = [];

  constructor(
    private readonly log: Logger,
    private readonly stopTimeoutMs = 5000,
  ) {}

  async start(component: Component): Promise<void> {
    await component.start();
    this.started.push(component);
  }

  async stopAll(): Promise<void> {
    for (const component of this.started.splice(0).reverse()) {
      let timer: NodeJS.Timeout | undefined;
      // A real timer on purpose: stopping must end even if the injected clock is a test's.
      const gaveUp = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), this.stopTimeoutMs);
      });
      try {
        const outcome = await Promise.race([Promise.resolve(component.stop()).then(() => 'stopped' as const), gaveUp]);
        if (outcome === 'timeout') this.log.error({ component: component.name, ms: this.stopTimeoutMs }, 'stopping took too long: given up');
      } catch (error) {
        this.log.error({ component: component.name, err: error }, 'stopping failed');
      } finally {
        clearTimeout(timer);
      }
    }
  }
}
