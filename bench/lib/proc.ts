import { readFileSync } from 'node:fs';

/** The kernel's clock ticks per second for /proc/PID/stat times (USER_HZ; 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** A process's user + system CPU time so far, in milliseconds, from /proc/PID/stat. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: fields are counted after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / TICKS_PER_SECOND;
}

/** A process's resident set size in KiB, from /proc/PID/status. */
export function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return match?.[1] === undefined ? Number.NaN : Number(match[1]);
}

/** Samples a process's RSS on an interval and keeps the peak; stop() returns it (KiB). */
export function sampleRss(pid: number, everyMs = 200): { stop(): { peakKiB: number; lastKiB: number } } {
  let peakKiB = 0;
  let lastKiB = Number.NaN;
  const sample = () => {
    try {
      lastKiB = rssKiB(pid);
      if (lastKiB > peakKiB) peakKiB = lastKiB;
    } catch {
      // the process is gone; the last sample stands
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { peakKiB, lastKiB };
    },
  };
}
