import { io } from 'socket.io-client';
import type { Envelope, RoomView } from '../../contract/index.js';
import { byId } from '../shared/render.js';

/**
 * `/scoreboard`: the room view for any browser (a second TV, a projector, a phone). A read-only
 * display connection: no token, nothing to send but `state:request`; the server pushes the
 * view whenever it changes, so the page only draws what it is given.
 */
const socket = io({ auth: { display: true }, transports: ['websocket'], reconnectionDelay: 500, reconnectionDelayMax: 5000 });

socket.on('connect', () => setConnection(''));
socket.on('disconnect', () => setConnection('Reconnecting…'));
socket.on('connect_error', () => setConnection('Reconnecting…'));
socket.on('display:view', (envelope: Envelope<'display:view'>) => draw(envelope.data));

function setConnection(text: string): void {
  const status = byId('room-connection');
  status.textContent = text;
  status.hidden = text === '';
}

function draw(view: RoomView): void {
  const room = byId('room');
  room.className = `room ${view.screen}`;
  byId('room-title').textContent = view.title;

  const clock = byId('room-clock');
  clock.hidden = view.clock === null || view.screen === 'welcome';
  clock.classList.toggle('overtime', view.clock?.overtime === true);
  byId('room-clock-text').textContent = view.clock?.text ?? '';
  byId('room-clock-caption').textContent = view.clock?.caption ?? '';

  const announcement = byId('room-announcement');
  announcement.hidden = view.screen !== 'announcement';
  announcement.textContent = view.announcement ?? '';

  const message = byId('room-message');
  message.hidden = view.message === undefined;
  message.textContent = view.message ?? '';

  const board = byId('room-board');
  board.hidden = view.screen !== 'scoreboard';
  const rows = byId('room-rows');
  rows.replaceChildren(
    ...view.rows.map((row) => {
      const tr = document.createElement('tr');
      const cells: [string, string, string?][] = [
        ['rank', String(row.rank)],
        ['name', row.name, row.name],
        ['groups', String(row.groups)],
        ['score', row.score],
      ];
      for (const [kind, text, title] of cells) {
        const td = document.createElement('td');
        td.className = kind;
        td.textContent = text;
        if (title !== undefined) td.title = title;
        tr.append(td);
      }
      return tr;
    }),
  );
  const more = byId('room-more');
  more.hidden = view.screen !== 'scoreboard' || view.moreTeams === 0;
  more.textContent = `+ ${view.moreTeams} more ${view.moreTeams === 1 ? 'team' : 'teams'}`;

  const lines = byId('room-lines');
  lines.hidden = view.screen !== 'welcome';
  lines.replaceChildren(
    ...view.lines.map((line) => {
      const li = document.createElement('li');
      li.textContent = line;
      return li;
    }),
  );
}
