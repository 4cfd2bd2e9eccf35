// The SDK against the live server's OpenAPI document: every operation has a method in the
// operations table (and the table nothing the document lacks), and the committed generated
// types equal what the live document generates (so the TypeScript types cannot drift).

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { before, describe, test } from 'node:test';

import { EXEMPT_OPERATIONS, OPERATIONS } from 'shikacreators';
import { generate, OUTPUT } from '../scripts/generate-types.mjs';
import { BASE_URL } from './helpers.mjs';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

describe('OpenAPI document of the live server', () => {
  let document;
  before(async () => {
    const response = await fetch(`${BASE_URL}/v1/openapi.json`);
    assert.equal(response.status, 200);
    document = await response.json();
  });

  test('every operation has an SDK method, and every SDK method an operation', () => {
    const inDocument = new Map(); // "METHOD path" -> operationId
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of HTTP_METHODS) {
        if (item[method]) inDocument.set(`${method.toUpperCase()} ${path}`, item[method].operationId);
      }
    }
    const inSdk = new Map();
    for (const [resource, methods] of Object.entries(OPERATIONS)) {
      for (const [name, spec] of Object.entries(methods)) {
        inSdk.set(`${spec.method} ${spec.path}`, { ...spec, name: `${resource}.${name}` });
      }
    }
    const missing = [...inDocument]
      .filter(([key, operationId]) => !inSdk.has(key) && !(operationId in EXEMPT_OPERATIONS))
      .map(([key, operationId]) => `${key} (${operationId})`);
    assert.deepEqual(missing, [], `operations without an SDK method: ${missing.join(', ')}`);
    const extra = [...inSdk.keys()].filter((key) => !inDocument.has(key));
    assert.deepEqual(extra, [], `SDK methods the document does not have: ${extra.join(', ')}`);
    for (const [key, spec] of inSdk) {
      assert.equal(spec.operationId, inDocument.get(key), `${spec.name}: operationId`);
    }
    // An exemption must still name a real operation (not linger after it is gone).
    const ids = new Set(inDocument.values());
    for (const id of Object.keys(EXEMPT_OPERATIONS)) assert.ok(ids.has(id), `exempt ${id} is not in the document`);
  });

  test('methods that return lists (searches) are exactly the operations answering a list (search) envelope', () => {
    for (const methods of Object.values(OPERATIONS)) {
      for (const spec of Object.values(methods)) {
        const operation = document.paths[spec.path][spec.method.toLowerCase()];
        const schema = operation.responses['200'].content['application/json'].schema;
        const ref = schema.$ref?.split('/').pop();
        const resolved = ref ? document.components.schemas[ref] : schema;
        const isList = resolved.properties?.object?.enum?.[0] === 'list';
        assert.equal(spec.list === true, isList, spec.operationId);
        const isSearch = resolved.properties?.object?.enum?.[0] === 'search_result';
        assert.equal(spec.search === true, isSearch, spec.operationId);
        if (isSearch) {
          // Paged by next_page → page, never by object cursors.
          assert.ok(resolved.properties.next_page, spec.operationId);
          const names = operation.parameters.map((p) => p.name);
          assert.ok(names.includes('page') && !names.includes('starting_after'), spec.operationId);
        }
      }
    }
  });

  test('methods that take no parameters are exactly the POST and PATCH operations without a request body', () => {
    for (const methods of Object.values(OPERATIONS)) {
      for (const spec of Object.values(methods)) {
        const operation = document.paths[spec.path][spec.method.toLowerCase()];
        const takesBody = spec.method === 'POST' || spec.method === 'PATCH';
        assert.equal(spec.noParams === true, takesBody && operation.requestBody === undefined, spec.operationId);
      }
    }
  });

  test('src/generated/openapi.ts is what the live document generates', async () => {
    const committed = await readFile(OUTPUT, 'utf8');
    const fresh = await generate(document);
    assert.ok(
      committed === fresh,
      'the generated types drifted from the server: run `npm run generate` in sdk/js (after updating sdk/openapi.json)',
    );
  });
});
