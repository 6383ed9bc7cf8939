import type { PreflightCheck, PreflightReport } from '../../contract/index.js';
import { byId } from '../shared/render.js';
import { failureText, type ApiCall } from './admin-api.js';

const statusWords: Record<PreflightCheck['status'], string> = { ok: 'OK', warning: 'Warning', failed: 'Failed' };

/**
 * The Preflight card: every check of GET /api/preflight as ok / warning / failed with its fix,
 * and "Ready for the show" only when none failed. It sends this browser's clock, which the
 * Pi (no clock battery, no internet on the hotspot) is compared with.
 */
export class PreflightCard {
  private readonly summary = byId('preflight-summary');
  private readonly list = byId('preflight-checks');
  private readonly button = byId<HTMLButtonElement>('run-preflight');

  constructor(private readonly api: ApiCall) {
    this.button.addEventListener('click', () => void this.run());
  }

  async run(): Promise<void> {
    this.button.disabled = true;
    this.summary.className = 'preflight-summary';
    this.summary.textContent = 'Checking…';
    try {
      const report = await this.api<PreflightReport>('GET', `/api/preflight?browserTime=${encodeURIComponent(new Date().toISOString())}`);
      this.show(report);
    } catch (error) {
      this.summary.textContent = `The preflight did not run: ${failureText(error)}`;
      this.summary.classList.add('failed');
    } finally {
      this.button.disabled = false;
    }
  }

  private show(report: PreflightReport): void {
    this.summary.textContent = report.summary;
    this.summary.classList.add(report.ready ? 'ok' : 'failed');
    this.list.replaceChildren(...report.checks.map((check) => row(check)));
  }
}

function row(check: PreflightCheck): HTMLLIElement {
  const item = document.createElement('li');
  item.className = `check ${check.status}`;
  item.dataset.check = check.id;
  const heading = document.createElement('p');
  heading.append(
    Object.assign(document.createElement('strong'), { className: 'check-status', textContent: statusWords[check.status] }),
    Object.assign(document.createElement('strong'), { className: 'check-name', textContent: ` ${check.name}: ` }),
    document.createTextNode(check.detail),
  );
  item.append(heading);
  if (check.fix !== undefined) item.append(Object.assign(document.createElement('p'), { className: 'check-fix', textContent: `Fix: ${check.fix}` }));
  if (check.items !== undefined && check.items.length > 0 && check.status !== 'ok') {
    const items = Object.assign(document.createElement('ul'), { className: 'check-items' });
    items.append(...check.items.map((text) => Object.assign(document.createElement('li'), { textContent: text })));
    item.append(items);
  }
  return item;
}
