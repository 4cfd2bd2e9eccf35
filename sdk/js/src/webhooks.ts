// Webhook deliveries: `webhooks.constructEvent` verifies one and returns its event,
// `webhooks.generateTestHeaders` signs a payload the same way for a receiver's own tests. Shika
// signs the Standard Webhooks way (standardwebhooks.com): headers `webhook-id` (the event id),
// `webhook-timestamp` (Unix seconds) and `webhook-signature`, a space-separated list of
// `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` keyed with the base64-decoded part of
// the endpoint's `whsec_…` secret — two of them for a day after the secret is rolled.

import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

import { SignatureVerificationError } from './errors.js';
import type { Event } from './types.js';

/** How far a delivery's timestamp may be from now, either way, by default: 5 minutes. */
const DEFAULT_TOLERANCE_SECONDS = 300;

/**
 * A request's headers in any of the usual shapes, names in any case: a plain object such as
 * Node's `req.headers` (a repeated header as an array), or pairs — a Fetch `Headers`, a `Map`,
 * an array of `[name, value]`.
 */
export type WebhookHeaders =
  | Readonly<Record<string, string | readonly string[] | undefined>>
  | Iterable<readonly [string, string]>;

/** The raw body exactly as received: a string, or its bytes (a Node `Buffer`, …). */
export type WebhookBody = string | Uint8Array | ArrayBuffer;

export interface TestHeadersParams {
  /** The body the headers are for, exactly as it will be sent. */
  payload: WebhookBody;
  /** The endpoint's secret, `whsec_…` (or the bare base64). */
  secret: string;
  /** The `webhook-id`; default a random `evt_test_…`. */
  id?: string;
  /** The `webhook-timestamp`, a `Date` or Unix seconds; default now. */
  timestamp?: Date | number;
}

const SIGNATURE_VERSION = 'v1';

/**
 * Verifies a webhook delivery and returns its event: `body` is the raw request body (not parsed
 * JSON: the signature covers the exact bytes sent), `headers` the request's headers, `secret`
 * the endpoint's `whsec_…` secret. One of the listed `v1` signatures must match, and the
 * timestamp be within `tolerance` seconds of now (default 300) in either direction.
 * @throws {SignatureVerificationError} when the delivery cannot be trusted or read.
 */
export function constructEvent(
  body: WebhookBody,
  headers: WebhookHeaders,
  secret: string,
  tolerance: number = DEFAULT_TOLERANCE_SECONDS,
): Event {
  if (typeof tolerance !== 'number' || Number.isNaN(tolerance) || tolerance < 0) {
    throw new TypeError('webhooks.constructEvent: `tolerance` must be a non-negative number of seconds.');
  }
  const found = webhookHeaders(headers, body);
  const fail = (message: string): SignatureVerificationError =>
    new SignatureVerificationError({ message, headers: joined(found), raw: body });
  const key = secretKey(secret, fail);
  const bytes = bodyBytes(body, fail);
  const id = single(found, 'webhook-id', fail);
  const timestampText = single(found, 'webhook-timestamp', fail);
  if (!/^\d+$/.test(timestampText)) {
    throw fail('The webhook-timestamp header is not a Unix timestamp in seconds.');
  }
  const timestamp = Number(timestampText);

  // Tokens are `version,signature`; a header repeated by a proxy arrives joined with ", ", so a
  // trailing comma is not part of the base64. Other versions (e.g. asymmetric `v1a`) are skipped.
  const candidates = (found.get('webhook-signature') ?? [])
    .join(' ')
    .split(/\s+/)
    .map((token) => token.replace(/,$/, ''))
    .filter((token) => token.startsWith(`${SIGNATURE_VERSION},`))
    .map((token) => Buffer.from(token.slice(SIGNATURE_VERSION.length + 1)));
  if (candidates.length === 0) {
    throw fail(
      found.has('webhook-signature')
        ? `The webhook-signature header holds no ${SIGNATURE_VERSION} signature.`
        : 'The webhook-signature header is missing: pass the request\'s headers as received.',
    );
  }
  const expected = Buffer.from(sign(key, id, timestamp, bytes));
  // Constant-time per candidate, so that the time taken says nothing of how close a guess was.
  if (!candidates.some((c) => c.length === expected.length && timingSafeEqual(c, expected))) {
    throw fail(
      'No signature in the webhook-signature header matches this secret and body: check that the ' +
        'secret is this endpoint\'s, and that the body is passed exactly as received (not parsed JSON).',
    );
  }

  // Checked after the signature, so that this message is only ever about a genuine delivery.
  const age = Math.floor(Date.now() / 1000) - timestamp;
  if (age > tolerance) {
    throw fail(
      `The delivery's timestamp is ${age} s old, more than the tolerance of ${tolerance} s: a replayed ` +
        'or long-delayed delivery, or a clock that is off.',
    );
  }
  if (-age > tolerance) {
    throw fail(`The delivery's timestamp is ${-age} s in the future, more than the tolerance of ${tolerance} s.`);
  }

  let event: unknown;
  try {
    event = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    event = undefined;
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    throw fail('The body is not a JSON object, so it is not an event.');
  }
  return event as Event;
}

/**
 * The `webhook-*` headers Shika would send with `payload`, signed with `secret`: for testing a
 * webhook handler without a server.
 */
export function generateTestHeaders(params: TestHeadersParams): Record<string, string> {
  const fail = (message: string): TypeError => new TypeError(`webhooks.generateTestHeaders: ${message}`);
  const key = secretKey(params.secret, fail);
  const bytes = bodyBytes(params.payload, fail);
  const id = params.id ?? `evt_test_${randomUUID().replaceAll('-', '')}`;
  const { timestamp = new Date() } = params;
  const seconds = Math.floor(timestamp instanceof Date ? timestamp.getTime() / 1000 : timestamp);
  if (!Number.isFinite(seconds)) throw fail('The timestamp must be a valid Date or Unix seconds.');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(seconds),
    'webhook-signature': `${SIGNATURE_VERSION},${sign(key, id, seconds, bytes)}`,
  };
}

/** `webhooks` as it hangs off the client (`shikacreators.webhooks`, `ShikaCreators.webhooks`). */
export const webhooks = Object.freeze({ constructEvent, generateTestHeaders });
export type Webhooks = typeof webhooks;

/** The base64 HMAC-SHA256 of `{id}.{timestamp}.{body}`. */
function sign(key: Buffer, id: string, timestamp: number, body: Buffer): string {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
}

/** The HMAC key: the base64 after `whsec_` (which may be left off), decoded. */
function secretKey(secret: unknown, fail: (message: string) => Error): Buffer {
  const encoded = typeof secret === 'string' && secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  // Node's decoder skips what is not base64 instead of refusing it: check the form first, so that
  // a mangled secret is reported as such rather than verifying against some other key.
  if (typeof encoded !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 === 1) {
    throw fail('The secret must be the endpoint\'s `whsec_…` secret (or the base64 after `whsec_`).');
  }
  return Buffer.from(encoded, 'base64');
}

function bodyBytes(body: unknown, fail: (message: string) => Error): Buffer {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  throw fail(
    'The body must be the raw request body, a string or bytes (e.g. express.raw(), not express.json()): ' +
      'the signature covers the exact bytes sent.',
  );
}

/**
 * The request's `webhook-*` headers by lower-case name, every value of each. Only these are kept,
 * since they end up on the error, which may be logged.
 */
function webhookHeaders(headers: WebhookHeaders, body: unknown): Map<string, string[]> {
  const found = new Map<string, string[]>();
  if (headers === null || typeof headers !== 'object') {
    throw new SignatureVerificationError({
      message: 'The headers must be the request\'s headers: an object such as req.headers, or a Headers.',
      raw: body,
    });
  }
  const entries: Iterable<readonly [string, unknown]> =
    Symbol.iterator in headers ? (headers as Iterable<readonly [string, string]>) : Object.entries(headers);
  for (const [name, value] of entries) {
    const lower = String(name).toLowerCase();
    if (!lower.startsWith('webhook-')) continue;
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v === 'string' && v.trim() !== '') found.set(lower, [...(found.get(lower) ?? []), v.trim()]);
    }
  }
  return found;
}

/** The one value of a header that must appear once. */
function single(found: Map<string, string[]>, name: string, fail: (message: string) => Error): string {
  const values = [...new Set(found.get(name) ?? [])];
  if (values.length === 0) {
    throw fail(`The ${name} header is missing: pass the request's headers as received.`);
  }
  if (values.length > 1) throw fail(`The request has more than one ${name} header.`);
  return values[0]!;
}

function joined(found: Map<string, string[]>): Record<string, string> {
  return Object.fromEntries([...found].map(([name, values]) => [name, values.join(' ')]));
}
