import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, expect, open, screenshots, createMerchantWithCli, withJavaScript } from './fixtures';

/** Runs a curl command as the page shows it, with the reader's key (and id) put in. */
function runCurl(command: string, key: string, id?: string): { status: number; body: any } {
  let text = command.replaceAll('sk_test_YOUR_KEY', key);
  if (id) text = text.replaceAll('cus_abc123def456', id);
  const out = execFileSync('bash', ['-c', `${text} -sS -w '\\n%{http_code}'`], { encoding: 'utf8' });
  const lines = out.trimEnd().split('\n');
  const status = Number(lines.pop());
  return { status, body: JSON.parse(lines.join('\n')) };
}

test('the API reference is public and has a section per endpoint', async ({ page }) => {
  const response = await open(page, '/docs');
  expect(response?.status()).toBe(200);
  await expect(page.getByRole('heading', { name: 'Shika API', level: 1 })).toBeVisible();
  for (const summary of [
    'Create a customer', 'Retrieve a customer', 'Update a customer', 'Delete a customer', 'List customers',
    "List a customer's payments", "List a customer's subscriptions", 'Create a payment', 'List subscriptions',
  ]) {
    await expect(page.getByRole('heading', { name: summary, level: 3 })).toBeVisible();
  }
  const create = page.getByRole('region', { name: 'Create a customer' });
  await expect(create.getByRole('cell', { name: 'email', exact: true })).toBeVisible();
  await expect(create.getByText('"email": "customer@example.com"').first()).toBeVisible();
  await expect(create.getByText('400 Bad Request')).toBeVisible();
  await expect(page.getByRole('link', { name: 'API keys' }).first()).toHaveAttribute('href', '/api-keys');
  await screenshots(page, 'docs');
});

test('the reference’s curl commands run as written once a test key is put in', async ({ page }) => {
  const merchant = createMerchantWithCli();
  await open(page, '/docs');
  const curlOf = (summary: string) =>
    page.getByRole('region', { name: summary }).locator('pre.curl').innerText();

  const created = runCurl(await curlOf('Create a customer'), merchant.testKey);
  expect(created.status).toBe(200);
  expect(created.body).toMatchObject({ object: 'customer', email: 'customer@example.com', name: 'John Doe' });

  const updated = runCurl(await curlOf('Update a customer'), merchant.testKey, created.body.id);
  expect(updated.status).toBe(200);
  expect(updated.body.name).toBe('Jane Doe');

  const listed = runCurl(await curlOf('List customers'), merchant.testKey);
  expect(listed.status).toBe(200);
  expect(listed.body.data.map((c: { id: string }) => c.id)).toEqual([created.body.id]);

  const deleted = runCurl(await curlOf('Delete a customer'), merchant.testKey, created.body.id);
  expect(deleted.body).toEqual({ object: 'customer', id: created.body.id, deleted: true });
});

test('each request is shown in curl, JavaScript, Python and PHP, as tabs once JavaScript runs', async ({ page }) => {
  await open(page, '/docs');
  const create = page.getByRole('region', { name: 'Create a customer' });
  const update = page.getByRole('region', { name: 'Update a customer' });
  const block = (region: typeof create, slug: string) => region.locator(`pre.${slug}`);
  await expect(block(create, 'javascript')).toContainText("await shikacreators.customers.create({");
  await expect(block(create, 'python')).toContainText('customer = client.customers.create(');
  await expect(block(create, 'php')).toContainText('$customer = $shikacreators->customers->create([');

  if (!withJavaScript()) {
    // Without JavaScript every language shows, each under its name, and there are no tabs.
    for (const slug of ['curl', 'javascript', 'python', 'php']) {
      await expect(block(create, slug)).toBeVisible();
    }
    await expect(create.locator('.example-language', { hasText: 'Python' })).toBeVisible();
    await expect(page.getByRole('tab')).toHaveCount(0);
    return;
  }
  // With it, one language at a time, and choosing one switches every example on the page.
  await expect(block(create, 'curl')).toBeVisible();
  await expect(block(create, 'python')).toBeHidden();
  await create.getByRole('tab', { name: 'Python' }).click();
  await expect(create.getByRole('tab', { name: 'Python' })).toHaveAttribute('aria-selected', 'true');
  await expect(block(create, 'python')).toBeVisible();
  await expect(block(create, 'curl')).toBeHidden();
  await expect(block(update, 'python')).toBeVisible();
  await expect(block(update, 'javascript')).toBeHidden();
  await screenshots(page, 'docs-python');
});

const root = path.resolve(__dirname, '../..');

/** Runs a program in one of the client libraries' languages, as a reader would paste it. */
function runProgram(language: 'javascript' | 'python' | 'php', program: string): any {
  const folder = mkdtempSync(path.join(tmpdir(), 'shika-docs-'));
  try {
    let out: string;
    if (language === 'javascript') {
      // `import ShikaCreators from 'shikacreators'` finds the library as an installed package.
      mkdirSync(path.join(folder, 'node_modules'));
      symlinkSync(path.join(root, 'sdk/js'), path.join(folder, 'node_modules/shikacreators'));
      writeFileSync(path.join(folder, 'example.mjs'), `${program}\nconsole.log(JSON.stringify(result))\n`);
      out = execFileSync('node', ['example.mjs'], { cwd: folder, encoding: 'utf8' });
    } else if (language === 'python') {
      const file = path.join(folder, 'example.py');
      writeFileSync(file, `${program}\nimport json\nprint(json.dumps(result.to_dict()))\n`);
      out = execFileSync('python3', [file], {
        cwd: root, encoding: 'utf8', env: { ...process.env, PYTHONPATH: path.join(root, 'sdk/python/src') },
      });
    } else {
      // The set-up's `require 'sdk/php/init.php'` is relative to the repository root.
      const file = path.join(folder, 'example.php');
      writeFileSync(file, `${program}\necho json_encode($result);\n`);
      out = execFileSync('php', [file], { cwd: root, encoding: 'utf8' });
    }
    return JSON.parse(out.trim().split('\n').pop()!);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

for (const language of ['javascript', 'python', 'php'] as const) {
  test(`the reference’s ${language} examples run as written with the client library`, async ({ page }) => {
    const merchant = createMerchantWithCli();
    await open(page, '/docs');
    const code = async (region: string) =>
      (await page.getByRole('region', { name: region }).locator(`pre.${language}`).textContent())!
        .replaceAll('sk_test_YOUR_KEY', merchant.testKey);
    const setup = await code('Trying it');
    // Each example keeps its answer in a variable named after it; the program prints that one.
    const run = async (region: string, variable: string, id?: string) => {
      let example = await code(region);
      if (id) example = example.replaceAll('cus_abc123def456', id);
      const alias = language === 'php' ? `$result = $${variable};` : language === 'python' ? `result = ${variable}` : `const result = ${variable}`;
      return runProgram(language, `${setup}\n${example}\n${alias}`);
    };

    const created = await run('Create a customer', 'customer');
    expect(created).toMatchObject({ object: 'customer', email: 'customer@example.com', name: 'John Doe' });
    const updated = await run('Update a customer', 'customer', created.id);
    expect(updated).toMatchObject({ id: created.id, name: 'Jane Doe' });
    const listed = await run('List customers', 'customers');
    expect(listed.data.map((c: { id: string }) => c.id)).toEqual([created.id]);
    const deleted = await run('Delete a customer', 'deleted', created.id);
    expect(deleted).toEqual({ object: 'customer', id: created.id, deleted: true });
  });
}
