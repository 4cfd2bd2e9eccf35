// Test helpers: the server under test (from end2end/with-server.sh's environment), fresh
// merchants with their own keys, small local HTTP proxies that forward to the server, answer
// on its behalf, or drop an answer — to produce real failures and observe what the SDK sends —
// and a local receiver of webhook deliveries.

import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { promisify } from 'node:util';

import ShikaCreators from 'shikacreators';

const run = promisify(execFile);

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the tests as end2end/with-server.sh sdk/js/test.sh`);
  }
  return value;
}

export const BASE_URL = required('SHIKA_BASE_URL');

/** A new merchant (so each test group has its own data and its own rate limit). */
export async function createMerchant() {
  const email = `sdk-js-${randomUUID()}@example.com`;
  const { stdout } = await run(
    required('SHIKA_BIN'),
    ['merchant', 'create', '--email', email, '--password', 'correct horse battery', '--name', 'SDK JS test'],
    { env: { ...process.env, DATABASE_URL: required('SHIKA_DATABASE_URL') } },
  );
  return JSON.parse(stdout);
}

/** A client on a fresh merchant's test key; `options` go to the constructor. */
export async function newClient(options = {}) {
  const merchant = await createMerchant();
  const client = new ShikaCreators(merchant.test_secret_key, { baseUrl: BASE_URL, ...options });
  return { client, merchant };
}

/** A unique email address, for filters that must match exactly one test's objects. */
export const uniqueEmail = (tag = 'c') => `${tag}-${randomUUID()}@example.com`;

/** Reads a request's body. */
function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Sends a request to the real server and reads its whole answer. */
function forward(req, body) {
  const target = new URL(req.url, BASE_URL);
  return new Promise((resolve, reject) => {
    const upstream = http.request(
      target,
      { method: req.method, headers: { ...req.headers, host: target.host } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    upstream.on('error', reject);
    upstream.end(body);
  });
}

/**
 * A proxy on 127.0.0.1 in front of the server. `decide({n, method, url, headers, body})` (n
 * counts requests from 1) returns what to do with each request:
 *   'forward'                          – pass it on, pass the answer back;
 *   'drop'                             – pass it on, read the answer, close the connection unanswered;
 *   'hang'                             – never answer (until the proxy closes);
 *   {status, headers?, body?}          – answer this instead of the server;
 *   {rewrite: (json) => json}          – pass it on, change the JSON answer.
 * `requests` records every request seen, `upstream` what the server answered.
 */
export async function startProxy(decide = () => 'forward') {
  const requests = [];
  const sockets = new Set();
  const server = http.createServer(async (req, res) => {
    const body = await readBody(req);
    const seen = { n: requests.length + 1, method: req.method, url: req.url, headers: req.headers, body: body.toString() };
    requests.push(seen);
    const action = decide(seen);
    if (action === 'hang') return;
    if (action === 'forward' || action === 'drop' || action?.rewrite) {
      const answer = await forward(req, body);
      if (action === 'drop') {
        req.socket.destroy();
        return;
      }
      let out = answer.body;
      if (action.rewrite) out = Buffer.from(JSON.stringify(action.rewrite(JSON.parse(out.toString()))));
      const headers = { ...answer.headers };
      delete headers['content-length'];
      delete headers['transfer-encoding'];
      res.writeHead(answer.status, headers);
      res.end(out);
      return;
    }
    res.writeHead(action.status, action.headers ?? {});
    res.end(action.body ?? '');
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * A webhook receiver on 127.0.0.1 (port 0: the system picks): answers every request 200 and keeps
 * it as `{method, url, headers, body}` (the raw body as a Buffer). `next(timeoutMs)` resolves with
 * the next request not yet taken — waiting for it if none came yet — and rejects after the
 * timeout.
 */
export async function startWebhookReceiver() {
  const received = [];
  const waiting = [];
  const server = http.createServer(async (req, res) => {
    const delivery = { method: req.method, url: req.url, headers: req.headers, body: await readBody(req) };
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
    const waiter = waiting.shift();
    if (waiter) waiter(delivery);
    else received.push(delivery);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    next(timeoutMs) {
      if (received.length > 0) return Promise.resolve(received.shift());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(take), 1);
          reject(new Error(`no webhook delivery within ${timeoutMs} ms`));
        }, timeoutMs);
        const take = (delivery) => {
          clearTimeout(timer);
          resolve(delivery);
        };
        waiting.push(take);
      });
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 nothing listens on (bound, then released). */
export async function closedPort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Asserts that `promise` rejects with an instance of `cls`, and returns the error. */
export async function rejectsWith(promise, cls) {
  try {
    await promise;
  } catch (e) {
    if (!(e instanceof cls)) {
      throw new Error(`expected ${cls.name}, got ${e?.constructor?.name}: ${e?.message}`, { cause: e });
    }
    return e;
  }
  throw new Error(`expected ${cls.name}, but the call succeeded`);
}
