import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { ADMIN_PASSWORD, startTestServer, type TestServer, type TestServerOptions } from './harness.js';

/** Debian's Chromium, installed by .ci/run; the flags keep it off the network and the GPU. */
export function launchChromium(extraArgs: readonly string[] = [], env?: NodeJS.ProcessEnv): Promise<Browser> {
  return chromium.launch({
    ...(env === undefined ? {} : { env }),
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', ...extraArgs],
  });
}

export interface BrowserOptions {
  /** More Chromium flags (a fake camera), read when Chromium launches: after the file's earlier `beforeAll`s. */
  args?: () => readonly string[];
  /** Its environment, read then too (a HOME whose NSS database trusts a test's CA). */
  env?: () => NodeJS.ProcessEnv;
}

export interface BrowserSuite {
  /** The file's Chromium, launched before its first test. */
  readonly browser: Browser;
  /** A test server for the running test, destroyed after it (the latest first). */
  startServer(options?: TestServerOptions): Promise<TestServer>;
}

/** The web suites' fixture: one Chromium for the file, and each test's pages and servers gone after it. */
export function useBrowser(options: BrowserOptions = {}): BrowserSuite {
  let browser: Browser | undefined;
  const servers: TestServer[] = [];
  beforeAll(async () => {
    browser = await launchChromium(options.args?.(), options.env?.());
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    // A test's pages go with it: left open, their clocks and sockets keep a loaded machine busier.
    for (const context of browser?.contexts() ?? []) await context.close();
    for (const server of servers.splice(0).reverse()) await server.destroy();
  });
  return {
    get browser() {
      if (!browser) throw new Error('Chromium is launched before the first test');
      return browser;
    },
    async startServer(options) {
      const server = await startTestServer(options);
      servers.push(server);
      return server;
    },
  };
}

/** Where screenshots go: kept after the run as test artifacts. */
export function artifactPath(name: string): string {
  const dir = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  return `${dir}${name}`;
}

export const viewports = {
  tablet: { width: 1024, height: 768 },
  phone: { width: 390, height: 844 },
} as const;

type Viewport = { width: number; height: number };

/** Opens /gm in a fresh browser profile and connects as station `name`. */
export async function openStation(browser: Browser, url: string, name: string, viewport: Viewport = viewports.tablet): Promise<Page> {
  return connectStation(await (await browser.newContext({ viewport })).newPage(), url, name);
}

/** Loads /gm in `page` (one a test has prepared, say to watch it) and connects as station `name`. */
export async function connectStation(page: Page, url: string, name: string): Promise<Page> {
  await page.goto(`${url}/gm`);
  await page.getByLabel('Station name').fill(name);
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.getByText('Online', { exact: true }).waitFor();
  return page;
}

/** Opens /admin in a fresh browser profile and logs in. */
export async function openAdmin(browser: Browser, url: string, viewport: Viewport = viewports.tablet): Promise<Page> {
  return logInAdmin(await (await browser.newContext({ viewport })).newPage(), url);
}

/** Loads /admin in `page` and logs in. */
export async function logInAdmin(page: Page, url: string): Promise<Page> {
  await page.goto(`${url}/admin`);
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByText('Online', { exact: true }).waitFor();
  return page;
}

/** A fresh browser profile's page whose Content-Security-Policy refusals are collected from its first load. */
export async function watchedPage(browser: Browser, viewport: Viewport = viewports.tablet): Promise<{ page: Page; refused: string[] }> {
  const page = await (await browser.newContext({ viewport })).newPage();
  return { page, refused: await cspViolations(page) };
}

/**
 * Collects what the Content-Security-Policy refused on a page: Chromium's console report and
 * the page's own `securitypolicyviolation` events, so a refusal shows up even when silent.
 */
export async function cspViolations(page: Page): Promise<string[]> {
  const seen: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|securitypolicyviolation/i.test(message.text())) seen.push(message.text());
  });
  await page.addInitScript(`
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error('securitypolicyviolation ' + e.violatedDirective + ' ' + e.blockedURI));
  `);
  return seen;
}

/** The RGBA pixels of a PNG (a screenshot), decoded by Chromium in a blank page that has no CSP. */
export async function pixelsOf(browser: Browser, png: Buffer): Promise<{ data: Uint8ClampedArray; width: number; height: number }> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const decoded = await page.evaluate<{ data: number[]; width: number; height: number }>(`(async () => {
      const blob = await (await fetch('data:image/png;base64,${png.toString('base64')}')).blob();
      const bitmap = await createImageBitmap(blob);
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const context = canvas.getContext('2d');
      context.drawImage(bitmap, 0, 0);
      return { width: bitmap.width, height: bitmap.height, data: Array.from(context.getImageData(0, 0, bitmap.width, bitmap.height).data) };
    })()`);
    return { ...decoded, data: Uint8ClampedArray.from(decoded.data) };
  } finally {
    await context.close();
  }
}

/**
 * Chooses a team on a GM page by its button in the team grid, adding it with "New team" when
 * the page does not list it yet; resolves once the team's button is the pressed one.
 */
export async function chooseTeam(page: Page, team: string): Promise<void> {
  const teams = page.getByRole('group', { name: 'Team', exact: true });
  const button = teams.getByRole('button', { name: team, exact: true });
  if ((await button.count()) > 0) await button.click();
  else {
    if (await page.getByLabel('New team name').isHidden()) await page.getByRole('button', { name: 'New team', exact: true }).click();
    await page.getByLabel('New team name').fill(team);
    await page.getByRole('button', { name: 'Create team', exact: true }).click();
  }
  await teams.getByRole('button', { name: team, exact: true, pressed: true }).waitFor();
}

/** Submits a token for a team on a GM page, adding the team when the page does not have it yet. */
export async function scan(page: Page, team: string, token: string): Promise<void> {
  await chooseTeam(page, team);
  await page.getByLabel('Token', { exact: true }).fill(token);
  await page.getByRole('button', { name: 'Submit' }).click();
}

/** A team's score as a page's scores table shows it (the number, without the adjustment note under it). */
export function scoreOf(page: Page, teamId: string): Promise<string | null> {
  return page.evaluate<string | null>(`(() => {
    const row = [...document.querySelectorAll('#scores tr')].find((r) => r.dataset.teamId === ${JSON.stringify(teamId)});
    return row?.cells[1]?.firstChild?.textContent ?? null;
  })()`);
}
