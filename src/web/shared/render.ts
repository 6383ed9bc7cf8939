import type { DeviceConnection, SystemStatus, TeamScore, Transaction, VideoStatus } from '../../contract/index.js';

export function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`missing #${id}`);
  return element as T;
}

function cell(text: string, className?: string): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

const points = new Intl.NumberFormat();

/** Points as the pages write them: 250,000. */
export function formatPoints(value: number): string {
  return points.format(value);
}

/** A signed number of points, with a real minus sign: +5,000, −75,000. */
export function signedPoints(value: number): string {
  return `${value < 0 ? '−' : '+'}${points.format(Math.abs(value))}`;
}

/** A team's display name for a transaction, which carries only the team's id. */
export type NameOf = (teamId: string) => string;

/** A team's name in a box that wraps or cuts it short; the whole name is in its title. */
export function teamNameElement(name: string, tag: 'span' | 'strong' = 'span'): HTMLElement {
  const element = document.createElement(tag);
  element.className = 'team-name';
  element.textContent = name;
  element.title = name;
  return element;
}

/**
 * The scores in three columns that fit a phone's card: the team (its completed groups on a
 * second line), the score (staff adjustments, which it includes, marked under it) and tokens.
 */
export function renderScores(scores: readonly TeamScore[]): void {
  byId('scores').replaceChildren(
    ...scores.map((score) => {
      const row = document.createElement('tr');
      row.dataset.teamId = score.teamId;
      const team = document.createElement('td');
      team.className = 'team-cell';
      team.append(teamNameElement(score.name));
      if (score.completedGroups.length > 0) {
        const groups = Object.assign(document.createElement('span'), { className: 'score-note groups', textContent: `Groups: ${score.completedGroups.join(', ')}` });
        team.append(groups);
      }
      const total = cell(points.format(score.currentScore), 'number');
      if (score.adjustmentPoints !== 0) {
        const adjusted = Object.assign(document.createElement('span'), {
          className: 'score-note adjusted',
          textContent: `adj. ${signedPoints(score.adjustmentPoints)}`,
          title: `Includes staff adjustments of ${signedPoints(score.adjustmentPoints)} points`,
        });
        total.append(adjusted);
      }
      row.append(team, total, cell(String(score.tokensScanned), 'number'));
      return row;
    }),
  );
}

/** "Group Trio complete: +125,000 bonus", for a scan that completed a group. */
export function groupText(tx: Transaction): string | undefined {
  const group = tx.groupCompleted;
  return group ? `Group ${group.group} complete: +${points.format(group.bonusPoints)} bonus` : undefined;
}

export function transactionText(tx: Transaction, nameOf: NameOf): string {
  const time = new Date(tx.timestamp).toLocaleTimeString();
  const outcome = tx.status === 'accepted' ? `+${points.format(tx.points)}` : tx.status;
  const group = groupText(tx);
  return `${time}  ${nameOf(tx.teamId)}  ${tx.tokenId}  ${outcome}${group ? ` · ${group}` : ''}`;
}

/**
 * One transaction as a list item: its text (struck through once voided, with a "voided" mark
 * and why), for a list that may add its own controls after it.
 */
export function transactionItem(tx: Transaction, nameOf: NameOf): HTMLLIElement {
  const item = document.createElement('li');
  item.dataset.status = tx.status;
  item.dataset.transactionId = tx.id;
  const text = Object.assign(document.createElement('span'), { className: 'tx-text', textContent: transactionText(tx, nameOf) });
  item.append(text);
  if (tx.voided) {
    item.classList.add('voided');
    const mark = Object.assign(document.createElement('span'), { className: 'tx-voided', textContent: 'voided' });
    mark.title = `Voided by ${tx.voided.by} at ${new Date(tx.voided.at).toLocaleTimeString()}: ${tx.voided.reason}`;
    item.append(' ', mark);
  }
  return item;
}

/** The list `#recent`, newest first; `item` may add controls to each entry. */
export function renderRecent(transactions: readonly Transaction[], nameOf: NameOf, limit = 30, item = transactionItem): void {
  byId('recent').replaceChildren(
    ...[...transactions]
      .reverse()
      .slice(0, limit)
      .map((tx) => item(tx, nameOf)),
  );
}

/** Puts `tx` in place of the transaction with its id (a voided one), or adds it at the end; capped at `max`. */
export function withTransaction(transactions: readonly Transaction[], tx: Transaction, max: number): Transaction[] {
  const at = transactions.findIndex((t) => t.id === tx.id);
  if (at < 0) return [...transactions, tx].slice(-max);
  const next = [...transactions];
  next[at] = tx;
  return next;
}

/** Whether the TV can show (and sound) a clip at all: said in words, not only on /admin. */
export function renderTvStatus(system: SystemStatus): void {
  byId('video-display').hidden = system.videoDisplayReady;
  byId('video-sound').hidden = system.audioReady !== false;
}

export function renderVideo(video: VideoStatus): void {
  const labels: Record<VideoStatus['status'], string> = {
    idle: 'Idle',
    loading: 'Loading',
    playing: 'Playing',
    paused: 'Paused',
    completed: 'Completed',
    error: 'Error',
  };
  byId('video-text').textContent = video.tokenId ? `${labels[video.status]}: ${video.tokenId}` : labels[video.status];
  byId<HTMLProgressElement>('video-progress').value = video.status === 'completed' ? 100 : (video.progress ?? 0);
  byId('video-error').textContent = video.status === 'error' ? (video.error ?? 'video error') : '';
}

export function renderDevices(devices: readonly DeviceConnection[]): void {
  byId('devices').replaceChildren(
    ...devices.map((device) => {
      const item = document.createElement('li');
      const seen = new Date(device.lastHeartbeat).toLocaleTimeString();
      const address = device.ipAddress ? ` · ${device.ipAddress.replace(/^::ffff:/, '')}` : '';
      item.textContent = `${device.name ?? device.deviceId} (${device.type}) ${device.connectionStatus} · last seen ${seen}${address}`;
      return item;
    }),
  );
}
