// webhooks.constructEvent and webhooks.generateTestHeaders, without a server: signatures computed
// here with node:crypto and by the independent `standardwebhooks` package (and ours checked by
// it), tampered bodies, wrong and malformed secrets, timestamps out of tolerance either way, a
// rolled secret's two signatures, missing headers, header names in any case and in every usual
// shape, string and byte bodies. (No helpers.mjs: these need no SHIKA_* environment.)

import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';

import ShikaCreators, { ShikaError, SignatureVerificationError, webhooks } from 'shikacreators';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;
const now = () => Math.floor(Date.now() / 1000);

const EVENT = {
  id: 'evt_1a2b3c4d5e6f7g8h',
  object: 'event',
  type: 'customer.updated',
  livemode: false,
  created_at: '2024-01-15T10:00:00.123Z',
  data: {
    object: { id: 'cus_abc123def456', object: 'customer', name: 'Kwame Nkrumah — Accra 🇬🇭' },
    previous_attributes: { name: 'John Doe', metadata: { vip: null } },
  },
};
const BODY = JSON.stringify(EVENT);

/** The signature of the spec, computed here: base64 HMAC-SHA256 of "{id}.{timestamp}.{body}". */
function signature(secret, id, timestamp, body) {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64')}`;
}

/** A delivery's headers as Node's req.headers has them, signed with `secrets` in order. */
function delivery({ secrets, id = EVENT.id, timestamp = now(), body = BODY }) {
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((s) => signature(s, id, timestamp, body)).join(' '),
  };
}

/** Asserts that constructEvent throws a SignatureVerificationError whose message matches. */
function refuses(args, message) {
  let error;
  assert.throws(() => webhooks.constructEvent(...args), (e) => {
    error = e;
    return e instanceof SignatureVerificationError;
  });
  assert.match(error.message, message);
  return error;
}

describe('webhooks.constructEvent', () => {
  test('a valid delivery gives its event, a plain object', () => {
    const secret = newSecret();
    const event = webhooks.constructEvent(BODY, delivery({ secrets: [secret] }), secret);
    assert.deepEqual(event, EVENT);
    assert.equal(event.data.object.id, 'cus_abc123def456');
  });

  test('a tampered body, or a tampered id or timestamp, is refused', () => {
    const secret = newSecret();
    const headers = delivery({ secrets: [secret] });
    refuses([BODY.replace('John Doe', 'Jane Doe'), headers, secret], /No signature .* matches/);
    refuses([`${BODY} `, headers, secret], /No signature .* matches/);
    refuses([BODY, { ...headers, 'webhook-id': 'evt_other' }, secret], /No signature .* matches/);
    const later = String(Number(headers['webhook-timestamp']) + 1);
    refuses([BODY, { ...headers, 'webhook-timestamp': later }, secret], /No signature .* matches/);
  });

  test('the wrong secret is refused, and the error says what to check', () => {
    const error = refuses([BODY, delivery({ secrets: [newSecret()] }), newSecret()], /No signature .* matches/);
    assert.match(error.message, /secret/);
    assert.match(error.message, /exactly as received/);
  });

  test('a timestamp more than 5 minutes old is refused; just within, accepted; tolerance is a parameter', () => {
    const secret = newSecret();
    const old = refuses([BODY, delivery({ secrets: [secret], timestamp: now() - 301 }), secret], /s old, more than the tolerance of 300 s/);
    assert.match(old.message, /replayed/);
    assert.deepEqual(webhooks.constructEvent(BODY, delivery({ secrets: [secret], timestamp: now() - 295 }), secret), EVENT);
    const tenMinutes = delivery({ secrets: [secret], timestamp: now() - 600 });
    assert.deepEqual(webhooks.constructEvent(BODY, tenMinutes, secret, 900), EVENT);
    refuses([BODY, tenMinutes, secret, 60], /tolerance of 60 s/);
    assert.deepEqual(webhooks.constructEvent(BODY, delivery({ secrets: [secret], timestamp: 1 }), secret, Infinity), EVENT);
    for (const bad of [-1, NaN, '300']) {
      assert.throws(() => webhooks.constructEvent(BODY, tenMinutes, secret, bad), TypeError);
    }
  });

  test('a timestamp more than 5 minutes in the future is refused', () => {
    const secret = newSecret();
    refuses([BODY, delivery({ secrets: [secret], timestamp: now() + 301 }), secret], /in the future, more than the tolerance of 300 s/);
    assert.deepEqual(webhooks.constructEvent(BODY, delivery({ secrets: [secret], timestamp: now() + 295 }), secret), EVENT);
  });

  test('a timestamp that is not Unix seconds is refused', () => {
    const secret = newSecret();
    for (const timestamp of ['abc', '-5', '1.5', '2024-01-15T10:00:00Z']) {
      const headers = { ...delivery({ secrets: [secret] }), 'webhook-timestamp': timestamp };
      refuses([BODY, headers, secret], /webhook-timestamp header is not a Unix timestamp/);
    }
  });

  test('after a roll, two signatures are listed: either secret verifies', () => {
    const rolled = newSecret();
    const old = newSecret();
    const headers = delivery({ secrets: [rolled, old] });
    assert.equal(headers['webhook-signature'].split(' ').length, 2);
    assert.deepEqual(webhooks.constructEvent(BODY, headers, rolled), EVENT);
    // Only the second signature matches this one.
    assert.deepEqual(webhooks.constructEvent(BODY, headers, old), EVENT);
    refuses([BODY, headers, newSecret()], /No signature .* matches/);
  });

  test('other signature versions are skipped; none at v1 is its own error', () => {
    const secret = newSecret();
    const headers = delivery({ secrets: [secret] });
    const v1 = headers['webhook-signature'];
    const withOthers = { ...headers, 'webhook-signature': `v1a,${randomBytes(64).toString('base64')} v2,${v1.slice(3)} ${v1}` };
    assert.deepEqual(webhooks.constructEvent(BODY, withOthers, secret), EVENT);
    refuses([BODY, { ...headers, 'webhook-signature': `v2,${v1.slice(3)}` }, secret], /holds no v1 signature/);
    // The signature must be exactly the base64 of the HMAC: no prefix, no extra characters.
    refuses([BODY, { ...headers, 'webhook-signature': `v1,${v1.slice(3)}!` }, secret], /No signature .* matches/);
    refuses([BODY, { ...headers, 'webhook-signature': v1.slice(3) }, secret], /holds no v1 signature/);
  });

  test('a missing header is named', () => {
    const secret = newSecret();
    const headers = delivery({ secrets: [secret] });
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const { [name]: _, ...without } = headers;
      refuses([BODY, without, secret], new RegExp(`The ${name} header is missing`));
      refuses([BODY, { ...headers, [name]: '' }, secret], new RegExp(`The ${name} header is missing`));
      refuses([BODY, { ...headers, [name]: undefined }, secret], new RegExp(`The ${name} header is missing`));
    }
    refuses([BODY, {}, secret], /header is missing/);
    refuses([BODY, null, secret], /must be the request's headers/);
  });

  test('header names in any case, and headers as a Fetch Headers, a Map, pairs, or arrays of values', () => {
    const secret = newSecret();
    const headers = delivery({ secrets: [secret] });
    const shapes = {
      'mixed case': {
        'Webhook-Id': headers['webhook-id'],
        'WEBHOOK-TIMESTAMP': headers['webhook-timestamp'],
        'Webhook-Signature': headers['webhook-signature'],
      },
      'Fetch Headers': new Headers(headers),
      Map: new Map(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), v])),
      'array of pairs': Object.entries(headers),
      // Node's req.headersDistinct: every header as a list of its values.
      'arrays of values': Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
      'the signature header repeated': {
        ...headers,
        'webhook-signature': [signature(newSecret(), headers['webhook-id'], headers['webhook-timestamp'], BODY), headers['webhook-signature']],
      },
      // Node and fetch join a repeated header's copies with ", ".
      'copies joined with a comma': {
        ...headers,
        'webhook-signature': `${signature(newSecret(), headers['webhook-id'], headers['webhook-timestamp'], BODY)}, ${headers['webhook-signature']}`,
      },
    };
    for (const [shape, value] of Object.entries(shapes)) {
      assert.deepEqual(webhooks.constructEvent(BODY, value, secret), EVENT, shape);
    }
    refuses([BODY, { ...headers, 'Webhook-Id': 'evt_other' }, secret], /more than one webhook-id header/);
  });

  test('the body as a string, a Buffer, a Uint8Array or an ArrayBuffer; not as parsed JSON', () => {
    const secret = newSecret();
    const headers = delivery({ secrets: [secret] });
    const bytes = Buffer.from(BODY, 'utf8');
    assert.notEqual(bytes.length, BODY.length, 'the body has characters outside ASCII');
    const inLargerBuffer = Buffer.concat([Buffer.from('xx'), bytes, Buffer.from('yy')]).subarray(2, 2 + bytes.length);
    const arrayBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    for (const body of [BODY, bytes, new Uint8Array(bytes), inLargerBuffer, arrayBuffer]) {
      assert.deepEqual(webhooks.constructEvent(body, headers, secret), EVENT, body.constructor.name);
    }
    refuses([EVENT, headers, secret], /raw request body.*express\.raw\(\)/);
    refuses([undefined, headers, secret], /raw request body/);
  });

  test('a signed body that is not a JSON object is refused', () => {
    const secret = newSecret();
    for (const body of ['not json', '[1, 2]', 'null', '"event"']) {
      refuses([body, delivery({ secrets: [secret], body }), secret], /not a JSON object/);
    }
    const invalidUtf8 = Buffer.from([0x7b, 0xff, 0x7d]);
    refuses([invalidUtf8, delivery({ secrets: [secret], body: invalidUtf8 }), secret], /not a JSON object/);
  });

  test('the secret with its whsec_ prefix or bare; a malformed secret is its own error', () => {
    const secret = newSecret();
    const headers = delivery({ secrets: [secret] });
    assert.deepEqual(webhooks.constructEvent(BODY, headers, secret.slice('whsec_'.length)), EVENT);
    for (const bad of ['', 'whsec_', 'whsec_not base64!', 'whsec_A', 'sk_test_123', undefined, 42]) {
      refuses([BODY, headers, bad], /secret must be the endpoint's `whsec_…` secret/);
    }
  });

  test('the error: a ShikaError of its own type, with the webhook headers and the body, never the secret', () => {
    const secret = newSecret();
    const headers = { ...delivery({ secrets: [newSecret()] }), authorization: 'Bearer hidden', cookie: 'a=b' };
    const error = refuses([BODY, headers, secret], /No signature/);
    assert.ok(error instanceof ShikaError);
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'SignatureVerificationError');
    assert.equal(error.type, 'signature_verification_error');
    assert.equal(error.statusCode, undefined);
    assert.deepEqual(Object.keys(error.headers).sort(), ['webhook-id', 'webhook-signature', 'webhook-timestamp']);
    assert.equal(error.headers['webhook-id'], EVENT.id);
    assert.equal(error.raw, BODY);
    assert.ok(!error.message.includes(secret.slice('whsec_'.length)));
    assert.ok(!JSON.stringify(error).includes(secret.slice('whsec_'.length)));
  });

  test('on the class without a key, on a client, as a named export, and from require()', () => {
    assert.equal(ShikaCreators.webhooks, webhooks);
    assert.equal(new ShikaCreators('sk_test_x').webhooks, webhooks);
    assert.equal(ShikaCreators.SignatureVerificationError, SignatureVerificationError);
    assert.equal(ShikaCreators.errors.SignatureVerificationError, SignatureVerificationError);
    const Required = createRequire(import.meta.url)('shikacreators');
    const secret = newSecret();
    const event = Required.webhooks.constructEvent(Buffer.from(BODY), delivery({ secrets: [secret] }), secret);
    assert.deepEqual(event, EVENT);
    assert.throws(
      () => Required.webhooks.constructEvent(BODY, {}, secret),
      (e) => e instanceof Required.SignatureVerificationError && e instanceof Required.ShikaError,
    );
    assert.ok(Object.isFrozen(webhooks));
  });
});

describe('webhooks.generateTestHeaders', () => {
  test('signs as the spec says, with the given id and timestamp', () => {
    const secret = newSecret();
    const headers = webhooks.generateTestHeaders({ payload: BODY, secret, id: 'evt_given', timestamp: 1_705_312_800 });
    assert.deepEqual(headers, {
      'webhook-id': 'evt_given',
      'webhook-timestamp': '1705312800',
      'webhook-signature': signature(secret, 'evt_given', 1_705_312_800, BODY),
    });
    const fromDate = webhooks.generateTestHeaders({ payload: Buffer.from(BODY), secret, id: 'evt_given', timestamp: new Date(1_705_312_800_999) });
    assert.deepEqual(fromDate, headers);
  });

  test('by default a random evt_test_ id and now; constructEvent accepts what it signs', () => {
    const secret = newSecret();
    const headers = webhooks.generateTestHeaders({ payload: BODY, secret });
    assert.match(headers['webhook-id'], /^evt_test_[0-9a-f]{32}$/);
    assert.ok(Math.abs(Number(headers['webhook-timestamp']) - now()) <= 1);
    assert.deepEqual(webhooks.constructEvent(BODY, headers, secret), EVENT);
    assert.notEqual(webhooks.generateTestHeaders({ payload: BODY, secret })['webhook-id'], headers['webhook-id']);
  });

  test('a bad secret, payload or timestamp is a TypeError', () => {
    assert.throws(() => webhooks.generateTestHeaders({ payload: BODY, secret: 'whsec_!' }), TypeError);
    assert.throws(() => webhooks.generateTestHeaders({ payload: EVENT, secret: newSecret() }), TypeError);
    assert.throws(() => webhooks.generateTestHeaders({ payload: BODY, secret: newSecret(), timestamp: NaN }), TypeError);
  });
});

describe('against the standardwebhooks package', () => {
  test('what it signs, constructEvent accepts (and refuses when tampered or stale)', () => {
    const secret = newSecret();
    const wh = new Webhook(secret);
    const sent = new Date();
    const headers = {
      'webhook-id': EVENT.id,
      'webhook-timestamp': String(Math.floor(sent.getTime() / 1000)),
      'webhook-signature': wh.sign(EVENT.id, sent, BODY),
    };
    assert.deepEqual(webhooks.constructEvent(BODY, headers, secret), EVENT);
    assert.deepEqual(webhooks.constructEvent(Buffer.from(BODY), new Headers(headers), secret), EVENT);
    refuses([BODY.replace('Doe', 'Roe'), headers, secret], /No signature/);
    const stale = new Date(Date.now() - 10 * 60 * 1000);
    const staleHeaders = {
      'webhook-id': EVENT.id,
      'webhook-timestamp': String(Math.floor(stale.getTime() / 1000)),
      'webhook-signature': wh.sign(EVENT.id, stale, BODY),
    };
    refuses([BODY, staleHeaders, secret], /s old/);
    assert.throws(() => wh.verify(BODY, staleHeaders), WebhookVerificationError);
  });

  test('what generateTestHeaders signs, it verifies; what our verifier refuses, so does it', () => {
    const secret = newSecret();
    const wh = new Webhook(secret);
    const headers = webhooks.generateTestHeaders({ payload: BODY, secret, id: EVENT.id });
    assert.deepEqual(wh.verify(BODY, headers), EVENT);
    assert.deepEqual(wh.verify(Buffer.from(BODY), headers), EVENT);
    assert.throws(() => wh.verify(BODY.replace('Doe', 'Roe'), headers), WebhookVerificationError);
    assert.throws(() => new Webhook(newSecret()).verify(BODY, headers), WebhookVerificationError);
    // Two signatures, as after a roll: it too accepts the second.
    const old = newSecret();
    const both = { ...headers, 'webhook-signature': `${webhooks.generateTestHeaders({ payload: BODY, secret: old, id: EVENT.id, timestamp: Number(headers['webhook-timestamp']) })['webhook-signature']} ${headers['webhook-signature']}` };
    assert.deepEqual(wh.verify(BODY, both), EVENT);
    assert.deepEqual(webhooks.constructEvent(BODY, both, old), EVENT);
  });
});
