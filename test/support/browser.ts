import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ADMIN_PASSWORD } from './harness.js';

/** Debian's Chromium, installed by .ci/run; the flags keep it off the network and the GPU. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
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
  const page = await (await browser.newContext({ viewport })).newPage();
  await page.goto(`${url}/gm`);
  await page.getByLabel('Station name').fill(name);
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.getByText('Online', { exact: true }).waitFor();
  return page;
}

/** Opens /admin in a fresh browser profile and logs in. */
export async function openAdmin(browser: Browser, url: string, viewport: Viewport = viewports.tablet): Promise<Page> {
  const page = await (await browser.newContext({ viewport })).newPage();
  await page.goto(`${url}/admin`);
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByText('Online', { exact: true }).waitFor();
  return page;
}
