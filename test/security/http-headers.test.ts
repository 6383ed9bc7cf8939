import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/harness.js';
import { api, rawRequest } from '../support/http.js';
import { cspDirectives } from '../support/security.js';

let server: TestServer;
afterEach(async () => {
  await server.destroy();
});

/** Finding: the pages could be framed (clickjacking /admin) and ran with no script policy. */
function expectHardened(headers: Headers, what: string): void {
  const csp = headers.get('content-security-policy');
  expect(csp, `${what}: Content-Security-Policy`).toBeTruthy();
  const directives = cspDirectives(csp ?? '');
  expect(directives.get('frame-ancestors'), what).toEqual(["'none'"]);
  const scriptSrc = directives.get('script-src');
  expect(scriptSrc, `${what}: script-src`).toContain("'self'");
  expect(scriptSrc, `${what}: script-src`).not.toContain("'unsafe-inline'");
  expect(scriptSrc, `${what}: script-src`).not.toContain("'unsafe-eval'");
  expect(scriptSrc, `${what}: script-src`).not.toContain('*');
  // Plain HTTP on a hotspot: an https upgrade would send tablets to an address that is not there.
  expect(directives.has('upgrade-insecure-requests'), what).toBe(false);
  expect(headers.get('strict-transport-security'), what).toBeNull();
  expect(headers.get('x-content-type-options'), what).toBe('nosniff');
  expect(headers.get('referrer-policy'), what).toBe('no-referrer');
  expect(headers.get('x-frame-options')?.toUpperCase(), what).toBe('DENY');
  expect(headers.get('x-powered-by'), what).toBeNull();
}

describe('security headers (finding: frameable pages, no content security policy)', () => {
  it('sends them on the pages, the API, health, assets and on errors', async () => {
    server = await startTestServer();
    const token = await server.adminToken();
    for (const [path, status, auth] of [
      ['/gm', 200, undefined],
      ['/admin', 200, undefined],
      ['/player', 200, undefined],
      ['/api/player/tokens/tok002', 200, undefined],
      ['/api/state', 200, undefined],
      ['/health', 200, undefined],
      ['/api/tokens', 200, undefined],
      ['/api/sessions', 200, token],
      ['/assets/gm.js', 200, undefined],
      ['/api/sessions', 401, undefined],
      ['/api/nothing-here', 404, undefined],
    ] as const) {
      const response = await api(server.url, 'GET', path, auth === undefined ? {} : { token: auth });
      expect(response.status, path).toBe(status);
      expectHardened(response.headers, `GET ${path} (${status})`);
    }
  });

  it('sends them on a refused request too (a forged Host gets 403 with the same headers)', async () => {
    server = await startTestServer();
    const refused = await rawRequest(server.orchestrator.port, { path: '/admin', headers: { host: 'evil.example' } });
    expect(refused.status).toBe(403);
    const headers = new Headers();
    for (const [name, value] of Object.entries(refused.headers)) if (typeof value === 'string') headers.set(name, value);
    expectHardened(headers, 'forged Host /admin');
  });

  it('still serves honest pages that work under the policy: no inline script, style or handler', async () => {
    // The attack the policy blocks is an injected inline script; the pages themselves must not need one.
    server = await startTestServer();
    for (const path of ['/gm', '/admin', '/player']) {
      const page = await api(server.url, 'GET', path);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const scripts = [...page.text.matchAll(/<script\b([^>]*)>/gi)].map((match) => match[1] ?? '');
      expect(scripts.length, path).toBeGreaterThan(0);
      for (const attributes of scripts) expect(attributes, `${path}: every script is a file`).toMatch(/\bsrc="\/[^"]+"/);
      expect(page.text, `${path}: inline <style>`).not.toMatch(/<style\b/i);
      expect(page.text, `${path}: inline style attribute`).not.toMatch(/\sstyle\s*=/i);
      expect(page.text, `${path}: inline event handler`).not.toMatch(/\son[a-z]+\s*=/i);
      expect(page.text, `${path}: javascript: URL`).not.toMatch(/javascript:/i);
      // The scripts they name load from this server with the right type (nosniff blocks a wrong one).
      for (const attributes of scripts) {
        const src = /\bsrc="([^"]+)"/.exec(attributes)?.[1] ?? '';
        const asset = await api(server.url, 'GET', src);
        expect(asset.status, src).toBe(200);
        expect(asset.headers.get('content-type'), src).toMatch(/javascript/);
      }
    }
  });
});
