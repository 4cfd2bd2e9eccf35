// The transport: one API call over global `fetch` with authentication, the User-Agent, query and
// JSON encoding, the Idempotency-Key on POST, the timeout, and retries with backoff. It knows
// nothing of resources; `client.ts` calls it with a method and a path from the operations table.

import { APIConnectionError, APIError, ShikaError, errorFromResponse } from './errors.js';
import { VERSION } from './version.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** Options of one call, passed as the last argument of any method (the stripe-node way). */
export interface RequestOptions {
  /** The Idempotency-Key of a POST (default: a random UUID v4, kept across this call's retries). */
  idempotencyKey?: string;
  /** Use this secret key for this call instead of the client's. */
  apiKey?: string;
  /** This call's timeout per attempt, in milliseconds. */
  timeout?: number;
  /** This call's retry budget. */
  maxNetworkRetries?: number;
}

/** What came back with an object: non-enumerable `lastResponse` on every result. */
export interface LastResponse {
  statusCode: number;
  headers: Record<string, string>;
  requestId: string | undefined;
  /** The Idempotency-Key sent, for POST. */
  idempotencyKey: string | undefined;
}

/** The transport's settings, fixed when the client is made. */
export interface TransportConfig {
  apiKey: string;
  baseUrl: string;
  maxNetworkRetries: number;
  timeout: number;
  initialRetryDelay: number;
  maxRetryDelay: number;
}

export interface CallSpec {
  method: HttpMethod;
  /** The path with its parameters already filled in, e.g. `/v1/customers/cus_123`. */
  path: string;
  query?: Record<string, unknown> | undefined;
  body?: Record<string, unknown> | undefined;
}

export interface CallResult {
  body: unknown;
  lastResponse: LastResponse;
}

/** The longest `Retry-After` honoured, in seconds: longer asks are capped to this. */
const MAX_RETRY_AFTER_SECONDS = 60;

export const USER_AGENT = `shikacreators-js/${VERSION}`;

/**
 * Encodes query parameters the way the API spells nested ones: `{created: {gte: 'X'}}` →
 * `created[gte]=X`, `{metadata: {k: 'v'}}` → `metadata[k]=v`. `undefined` and `null` are left
 * out; a `Date` becomes its ISO 8601 string.
 */
export function encodeQuery(params: Record<string, unknown>): string {
  const pairs: string[] = [];
  const add = (key: string, value: unknown): void => {
    if (value === undefined || value === null) return;
    if (value instanceof Date) {
      pairs.push(`${encodeURIComponent(key)}=${encodeURIComponent(value.toISOString())}`);
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => add(`${key}[${i}]`, v));
    } else if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) add(`${key}[${k}]`, v);
    } else {
      pairs.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
    }
  };
  for (const [k, v] of Object.entries(params)) add(k, v);
  return pairs.join('&');
}

/**
 * The wait before retry number `attempt` (0 for the first retry), in milliseconds: exponential
 * backoff from `initial`, capped at `max`, with "equal jitter" (half fixed, half random) so that
 * many clients failing together do not retry together; never shorter than the server's
 * `Retry-After` (itself capped at a minute).
 */
export function retryDelay(
  attempt: number,
  retryAfter: string | undefined,
  initial: number,
  max: number,
): number {
  const ceiling = Math.min(initial * 2 ** attempt, max);
  const backoff = ceiling / 2 + (Math.random() * ceiling) / 2;
  const asked = parseRetryAfter(retryAfter);
  return asked === undefined ? backoff : Math.max(backoff, Math.min(asked, MAX_RETRY_AFTER_SECONDS) * 1000);
}

/** `Retry-After` in seconds: delta-seconds or an HTTP date; `undefined` when absent or unusable. */
function parseRetryAfter(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}

/** Whether an error is worth another attempt: network trouble, 409 in progress, 429, 5xx. */
function isRetryable(error: ShikaError): boolean {
  if (error instanceof APIConnectionError) return true;
  const status = error.statusCode;
  if (status === undefined) return false;
  if (status === 409) return error.type === 'idempotency_error';
  return status === 429 || status >= 500;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function uuid4(): Promise<string> {
  // Global Web Crypto is there from Node 19 on; Node 18 has it in node:crypto.
  const webCrypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (webCrypto?.randomUUID) return webCrypto.randomUUID();
  const nodeCrypto = await import('node:crypto');
  return nodeCrypto.randomUUID();
}

/** Makes one API call, with retries; resolves to the parsed body or rejects with a ShikaError. */
export async function call(
  config: TransportConfig,
  spec: CallSpec,
  options: RequestOptions = {},
): Promise<CallResult> {
  const apiKey = options.apiKey ?? config.apiKey;
  const timeout = options.timeout ?? config.timeout;
  const maxRetries = options.maxNetworkRetries ?? config.maxNetworkRetries;
  const query = spec.query ? encodeQuery(spec.query) : '';
  const url = `${config.baseUrl}${spec.path}${query ? `?${query}` : ''}`;
  const hasBody = spec.method === 'POST' || spec.method === 'PATCH';
  const body = hasBody ? JSON.stringify(spec.body ?? {}) : undefined;

  const headers: Record<string, string> = {
    Authorization: `Bearer ${apiKey}`,
    'User-Agent': USER_AGENT,
    Accept: 'application/json',
  };
  if (hasBody) headers['Content-Type'] = 'application/json';
  // Chosen once, before the first attempt: every retry replays the same key, so the server
  // answers a retry of a POST that did go through with the stored response instead of a twin.
  const idempotencyKey =
    spec.method === 'POST' ? (options.idempotencyKey ?? (await uuid4())) : undefined;
  if (idempotencyKey !== undefined) headers['Idempotency-Key'] = idempotencyKey;

  for (let attempt = 0; ; attempt++) {
    let error: ShikaError;
    try {
      const response = await attemptOnce(url, spec.method, headers, body, timeout, config.baseUrl);
      const lastResponse: LastResponse = {
        statusCode: response.status,
        headers: response.headers,
        requestId: response.headers['request-id'],
        idempotencyKey,
      };
      if (response.status >= 200 && response.status < 300) {
        if (response.json === undefined) {
          throw new APIError({
            message: `The API answered HTTP ${response.status} with a body that is not JSON.`,
            statusCode: response.status,
            requestId: lastResponse.requestId,
            headers: response.headers,
            raw: response.text,
          });
        }
        return { body: response.json, lastResponse };
      }
      error = errorFromResponse(response.status, response.headers, response.json ?? response.text);
    } catch (e) {
      if (!(e instanceof ShikaError)) throw e;
      error = e;
    }
    if (attempt >= maxRetries || !isRetryable(error)) throw error;
    await sleep(
      retryDelay(attempt, error.headers['retry-after'], config.initialRetryDelay, config.maxRetryDelay),
    );
  }
}

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  json: unknown;
}

/** One HTTP exchange under the timeout (which covers reading the body too). */
async function attemptOnce(
  url: string,
  method: HttpMethod,
  headers: Record<string, string>,
  body: string | undefined,
  timeout: number,
  baseUrl: string,
): Promise<RawResponse> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeout);
  try {
    const response = await fetch(url, { method, headers, body, signal: controller.signal });
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: Object.fromEntries(response.headers), text, json };
  } catch (e) {
    // The message names the host and the cause, never the request's headers (the key).
    const detail = timedOut ? `timed out after ${timeout} ms` : describeNetworkError(e);
    throw new APIConnectionError({
      message: `Could not reach the Shika API at ${baseUrl}: ${detail}.`,
      cause: e,
    });
  } finally {
    clearTimeout(timer);
  }
}

function describeNetworkError(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  return cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e));
}
