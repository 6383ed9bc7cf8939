import { execFile } from 'node:child_process';
import type { Cancel, Clock } from '../../ports/clock.js';

/** Sends one sd_notify message ("READY=1", "WATCHDOG=1", "STOPPING=1"). */
export type NotifySender = (message: string) => Promise<void>;

/**
 * Node cannot write to a Unix datagram socket, so messages go through systemd's own
 * `systemd-notify` (the unit sets NotifyAccess=all, since the sender is a child process).
 */
export const systemdNotifyCli: NotifySender = (message) =>
  new Promise((resolve, reject) => {
    execFile('systemd-notify', [message], { timeout: 5000 }, (error) => (error ? reject(new Error(`systemd-notify ${message}: ${error.message}`)) : resolve()));
  });

/**
 * Readiness, watchdog pings and stopping for systemd's Type=notify. Without NOTIFY_SOCKET
 * (not started by systemd) every call is a no-op. The watchdog is pinged from the event loop
 * at half of WATCHDOG_USEC, so a hung loop stops the pings and systemd restarts the service.
 */
export class SdNotify {
  private stopPinging: Cancel | undefined;
  private readonly enabled: boolean;
  private readonly watchdogMs: number | undefined;

  constructor(
    env: NodeJS.ProcessEnv,
    private readonly send: NotifySender,
    private readonly clock: Clock,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {
    this.enabled = typeof env.NOTIFY_SOCKET === 'string' && env.NOTIFY_SOCKET !== '';
    const usec = Number(env.WATCHDOG_USEC);
    this.watchdogMs = this.enabled && Number.isFinite(usec) && usec > 0 ? usec / 1000 : undefined;
  }

  get active(): boolean {
    return this.enabled;
  }

  ready(): void {
    this.notify('READY=1');
    if (this.watchdogMs !== undefined && !this.stopPinging) {
      this.stopPinging = this.clock.every(this.watchdogMs / 2, () => this.notify('WATCHDOG=1'));
    }
  }

  stopping(): void {
    this.stopPinging?.();
    this.stopPinging = undefined;
    this.notify('STOPPING=1');
  }

  private notify(message: string): void {
    if (this.enabled) this.send(message).catch(this.onError);
  }
}
