import type { CueFired, CueView } from '../../contract/index.js';
import { byId } from '../shared/render.js';
import { failureText, type ApiCall } from './admin-api.js';

/**
 * The Cues card: a big button per manual cue, then every cue with its trigger, its on/off
 * switch (PATCH /api/cues/:id) and its last firing and result; "Stop all sounds". Redrawn from
 * GET /api/cues on login and on each `cue:fired`.
 */
export class CuesCard {
  private readonly buttons = byId('manual-cues');
  private readonly list = byId('cue-list');
  private readonly message = byId('cues-message');

  constructor(private readonly api: ApiCall) {
    byId<HTMLButtonElement>('stop-sounds').addEventListener('click', () => {
      this.api('POST', '/api/sounds/stop')
        .then(() => this.say('Sounds stopped'))
        .catch((error: unknown) => this.say(failureText(error), true));
    });
  }

  async refresh(): Promise<void> {
    this.show(await this.api<CueView[]>('GET', '/api/cues'));
  }

  /** A cue ran: says so when it failed somewhere, and redraws. */
  fired(firing: CueFired): void {
    const failed = firing.results.filter((result) => !result.ok && result.skipped !== true);
    if (failed.length > 0) this.say(`${firing.cueId}: ${failed.map((result) => `${result.action} failed: ${result.error ?? ''}`).join('; ')}`, true);
    this.refresh().catch((error: unknown) => this.say(failureText(error), true));
  }

  private show(cues: readonly CueView[]): void {
    byId('no-cues').hidden = cues.length > 0;
    this.buttons.replaceChildren(
      ...cues
        .filter((cue) => cue.trigger === 'manual')
        .map((cue) => {
          const button = Object.assign(document.createElement('button'), { type: 'button', className: 'cue-fire', textContent: cue.name });
          button.dataset.cueId = cue.id;
          button.addEventListener('click', () => this.fire(cue, button));
          return button;
        }),
    );
    this.list.replaceChildren(...cues.map((cue) => this.row(cue)));
  }

  private row(cue: CueView): HTMLLIElement {
    const item = document.createElement('li');
    item.dataset.cueId = cue.id;
    const toggle = Object.assign(document.createElement('input'), { type: 'checkbox', checked: cue.enabled });
    toggle.setAttribute('aria-label', `${cue.name}: on`);
    toggle.addEventListener('change', () => {
      this.api('PATCH', `/api/cues/${encodeURIComponent(cue.id)}`, { enabled: toggle.checked })
        .then(() => this.say(`${cue.name}: ${toggle.checked ? 'on' : 'off'}`))
        .catch((error: unknown) => {
          toggle.checked = !toggle.checked;
          this.say(failureText(error), true);
        });
    });
    const label = document.createElement('label');
    label.append(toggle, Object.assign(document.createElement('strong'), { textContent: ` ${cue.name}` }));
    const when = cue.trigger === 'clock:at' ? `clock ${cue.at ?? `${cue.remaining ?? ''} left`}` : cue.trigger;
    const last = cue.lastFiredAt === null ? 'not fired' : `last ${new Date(cue.lastFiredAt).toLocaleTimeString()}${resultText(cue)}`;
    item.append(label, Object.assign(document.createElement('span'), { className: 'muted', textContent: `${when} · ${last}` }));
    return item;
  }

  private fire(cue: CueView, button: HTMLButtonElement): void {
    button.disabled = true;
    this.say(`${cue.name}…`);
    this.api<CueFired>('POST', `/api/cues/${encodeURIComponent(cue.id)}/fire`)
      .then((firing) => {
        if (firing.results.every((result) => result.ok)) this.say(`${cue.name}: done`);
      })
      .catch((error: unknown) => this.say(failureText(error), true))
      .finally(() => {
        button.disabled = false;
      });
  }

  private say(text: string, failed = false): void {
    this.message.textContent = text;
    this.message.classList.toggle('error', failed);
  }
}

function resultText(cue: CueView): string {
  if (cue.lastResult === null) return ' (running)';
  const failed = cue.lastResult.filter((result) => !result.ok);
  return failed.length === 0 ? ' (ok)' : ` (${failed.length} of ${cue.lastResult.length} actions failed)`;
}
