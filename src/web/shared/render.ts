import type { DeviceConnection, GameState, TeamScore, Transaction, VideoStatus } from '../../contract/index.js';

export function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`missing #${id}`);
  return element as T;
}

function cell(text: string): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = text;
  return td;
}

const points = new Intl.NumberFormat();

export function renderScores(scores: readonly TeamScore[]): void {
  byId('scores').replaceChildren(
    ...scores.map((score) => {
      const row = document.createElement('tr');
      row.append(cell(score.teamId), cell(points.format(score.currentScore)), cell(String(score.tokensScanned)), cell(score.completedGroups.join(', ')));
      return row;
    }),
  );
}

export function transactionText(tx: Transaction): string {
  const time = new Date(tx.timestamp).toLocaleTimeString();
  const outcome = tx.status === 'accepted' ? `+${points.format(tx.points)}` : tx.status;
  return `${time}  ${tx.teamId}  ${tx.tokenId}  ${outcome}`;
}

export function renderRecent(transactions: readonly Transaction[], limit = 30): void {
  byId('recent').replaceChildren(
    ...[...transactions].reverse().slice(0, limit).map((tx) => {
      const item = document.createElement('li');
      item.textContent = transactionText(tx);
      item.dataset.status = tx.status;
      return item;
    }),
  );
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

/** Fills the team picker with the session's teams plus "New team", keeping the choice. */
export function renderTeams(state: GameState, extra: readonly string[]): void {
  const select = byId<HTMLSelectElement>('team');
  const chosen = select.value;
  const teams = [...new Set([...state.scores.map((s) => s.teamId), ...extra])].sort();
  const options = teams.map((team) => new Option(team, team));
  options.push(new Option('New team…', '__new__'));
  select.replaceChildren(...options);
  select.value = teams.includes(chosen) ? chosen : (teams[0] ?? '__new__');
  byId('new-team-row').hidden = select.value !== '__new__';
}
