// The package as a user gets it: the ESM and CommonJS entries of the exports map, and the
// `npm pack` tarball installed into an empty folder — imported, required, called against the
// server, and type-checked as TypeScript from both module systems.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';

import ShikaCreators, * as named from 'shikacreators';
import { BASE_URL, createMerchant } from './helpers.mjs';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const sdkDir = path.join(here, '..');
const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(path.join(sdkDir, 'package.json'), 'utf8'));

const ERROR_CLASSES = [
  'ShikaError', 'InvalidRequestError', 'AuthenticationError', 'IdempotencyError',
  'RateLimitError', 'APIError', 'APIConnectionError', 'SignatureVerificationError',
];

describe('entry points', () => {
  test('ESM: the default export is the class; errors and helpers are named exports', () => {
    assert.equal(typeof ShikaCreators, 'function');
    assert.equal(ShikaCreators.name, 'ShikaCreators');
    assert.equal(named.ShikaCreators, ShikaCreators);
    for (const name of ERROR_CLASSES) {
      assert.equal(typeof named[name], 'function', name);
      assert.equal(ShikaCreators[name], named[name], name);
    }
    assert.equal(named.VERSION, pkg.version);
    assert.equal(typeof named.webhooks.constructEvent, 'function');
    assert.equal(ShikaCreators.webhooks, named.webhooks);
  });

  test('CommonJS: require() gives the class itself, with the error classes as properties', () => {
    const Required = require('shikacreators');
    assert.equal(typeof Required, 'function');
    assert.equal(Required.name, 'ShikaCreators');
    assert.equal(Required.default, Required);
    assert.equal(Required.ShikaCreators, Required);
    for (const name of ERROR_CLASSES) assert.equal(typeof Required[name], 'function', name);
    assert.ok(new Required.InvalidRequestError({ message: 'x' }) instanceof Required.ShikaError);
    assert.equal(typeof new Required('sk_test_x').customers.list, 'function');
    assert.equal(typeof Required.webhooks.constructEvent, 'function');
    assert.equal(new Required('sk_test_x').webhooks, Required.webhooks);
    assert.match(require.resolve('shikacreators'), /dist[/\\]cjs[/\\]cjs\.js$/);
  });

  test('the version is the package\'s', () => {
    assert.equal(pkg.version, '0.1.0');
    assert.equal(ShikaCreators.VERSION, pkg.version);
  });
});

describe('the npm tarball in an empty folder', () => {
  let tarball;
  let folder;
  let key;

  before(async () => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'shikacreators-consumer-'));
    // test.sh builds it with build.sh (npm pack, whose prepack builds dist/); alone, pack here.
    tarball = process.env.SHIKA_JS_TARBALL;
    if (!tarball) {
      await run('npm', ['pack', '--ignore-scripts', '--pack-destination', folder], { cwd: sdkDir });
      tarball = path.join(folder, `shikacreators-${pkg.version}.tgz`);
    }
    assert.equal(path.basename(tarball), 'shikacreators-0.1.0.tgz');
    assert.ok(existsSync(tarball), tarball);
    writeFileSync(path.join(folder, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    await run('npm', ['install', '--no-audit', '--no-fund', '--offline', tarball], { cwd: folder });
    key = (await createMerchant()).test_secret_key;
  });

  after(() => {
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  test('it holds the built package and nothing of the sources or tests', async () => {
    const { stdout } = await run('tar', ['tzf', tarball]);
    const files = stdout.trim().split('\n');
    for (const f of ['package/package.json', 'package/README.md', 'package/dist/esm/index.js', 'package/dist/esm/index.d.ts',
      'package/dist/esm/package.json', 'package/dist/cjs/cjs.js', 'package/dist/cjs/cjs.d.ts', 'package/dist/cjs/package.json']) {
      assert.ok(files.includes(f), `${f} missing from the tarball`);
    }
    assert.deepEqual(files.filter((f) => /\/(src|tests|scripts|node_modules)\//.test(f)), []);
    assert.deepEqual(Object.keys(pkg.dependencies ?? {}), [], 'no runtime dependencies');
  });

  const env = () => ({ ...process.env, SHIKA_KEY: key, SHIKA_BASE_URL: BASE_URL });

  test('import works and calls the server', async () => {
    const code = `
      import ShikaCreators, { InvalidRequestError } from 'shikacreators';
      const shikacreators = new ShikaCreators(process.env.SHIKA_KEY);
      const customer = await shikacreators.customers.create({ email: 'esm@example.com' });
      const ids = [];
      for await (const c of shikacreators.customers.list()) ids.push(c.id);
      let code;
      try { await shikacreators.customers.retrieve('cus_missing0000000'); } catch (e) { code = e instanceof InvalidRequestError && e.code; }
      console.log(JSON.stringify({ id: customer.id, listed: ids.includes(customer.id), code }));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code], { cwd: folder, env: env() });
    const out = JSON.parse(stdout);
    assert.match(out.id, /^cus_/);
    assert.equal(out.listed, true);
    assert.equal(out.code, 'resource_missing');
  });

  test('require works and calls the server', async () => {
    const code = `
      const ShikaCreators = require('shikacreators');
      const shikacreators = new ShikaCreators(process.env.SHIKA_KEY, { baseUrl: process.env.SHIKA_BASE_URL });
      (async () => {
        const page = await shikacreators.customers.list({ email: 'esm@example.com' });
        const bad = new ShikaCreators('sk_test_wrong', { maxNetworkRetries: 0 });
        let name;
        try { await bad.customers.list(); } catch (e) { name = e instanceof ShikaCreators.AuthenticationError && e.name; }
        console.log(JSON.stringify({ count: page.data.length, name, resolved: require.resolve('shikacreators') }));
      })();`;
    const { stdout } = await run(process.execPath, ['-e', code], { cwd: folder, env: env() });
    const out = JSON.parse(stdout);
    assert.equal(out.count, 1);
    assert.equal(out.name, 'AuthenticationError');
    assert.ok(out.resolved.startsWith(path.join(folder, 'node_modules', 'shikacreators')), out.resolved);
  });

  test('its types check from ESM and CommonJS TypeScript (wrong calls fail to compile)', async () => {
    cpSync(path.join(here, 'types'), folder, { recursive: true });
    const tsc = require.resolve('typescript/bin/tsc');
    try {
      await run(process.execPath, [tsc, '-p', path.join(folder, 'tsconfig.json')], { cwd: folder });
    } catch (e) {
      assert.fail(`tsc found errors:\n${e.stdout}${e.stderr}`);
    }
  });
});
