import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface ApiResponse {
  status: number;
  /** The body parsed as JSON, or its text when it is not JSON (a CSV export, a page). */
  body: unknown;
  text: string;
  headers: Headers;
}

/**
 * One request to the HTTP API: `body` is sent as JSON, `token` as a bearer token. Every
 * answer resolves, whatever its status; with `timeoutMs`, no answer by then rejects.
 */
export async function api(
  url: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; rawBody?: string; timeoutMs?: number } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  if (options.body !== undefined || options.rawBody !== undefined) headers['content-type'] = 'application/json';
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${url}${path}`, {
    method,
    headers,
    ...(options.timeoutMs !== undefined ? { signal: AbortSignal.timeout(options.timeoutMs) } : {}),
    ...(options.rawBody !== undefined ? { body: options.rawBody } : options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (CSV export)
  }
  return { status: response.status, body, text, headers: response.headers };
}

/** The body of a 2xx answer; anything else fails, naming the request and what came back. */
export function okBody(response: ApiResponse, request: string): unknown {
  if (response.status < 200 || response.status > 299) throw new Error(`${request} answered ${response.status}: ${response.text}`);
  return response.body;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: unknown;
}

export interface RawRequestOptions {
  method?: string;
  path?: string;
  /** Sent as given: `host` and `origin` included (fetch cannot forge them). */
  headers?: Record<string, string>;
  body?: string;
  /** The client address (any 127/8 address reaches the server on Linux). */
  localAddress?: string;
  timeoutMs?: number;
  /** HTTPS, trusting only this CA certificate (PEM). */
  ca?: string;
}

/** One HTTP request on its own connection (no keep-alive pool), with headers exactly as given. */
export function rawRequest(port: number, options: RawRequestOptions = {}): Promise<RawResponse> {
  const { method = 'GET', path = '/', headers = {}, body, localAddress, timeoutMs = 10_000, ca } = options;
  return new Promise((resolve, reject) => {
    const req = (ca === undefined ? request : httpsRequest)(
      {
        ...(ca === undefined ? {} : { ca }),
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: { connection: 'close', ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }), ...headers },
        agent: false,
        ...(localAddress === undefined ? {} : { localAddress }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON (a page, a CSV, engine.io's handshake)
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: parsed });
        });
        res.on('error', reject);
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`no response to ${method} ${path} within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** The same request again until it gets an answer (the server may not have seen a peer's close yet); bounded. */
export async function rawRequestOnceAdmitted(port: number, options: RawRequestOptions = {}, attempts = 50): Promise<RawResponse> {
  let last: unknown;
  for (let i = 0; i < attempts; i += 1) {
    try {
      return await rawRequest(port, options);
    } catch (error) {
      last = error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw last instanceof Error ? last : new Error(String(last));
}
