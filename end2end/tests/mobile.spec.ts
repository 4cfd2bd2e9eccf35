import { test, expect, open, createMerchantWithCli, api, logIn, screenshots } from './fixtures';

test('at 375 px the header keeps one row and each customer is a compact card', async ({ page, request }) => {
  const merchant = createMerchantWithCli();
  const client = api(request, merchant.testKey);
  for (const n of [1, 2, 3]) {
    await client.post('/v1/customers', {
      name: `Abena Mensah-Bonsu ${n}`, email: `abena.mensah.bonsu.${n}@example.com`, phone: '+233 24 123 4567',
    });
  }
  await logIn(page, merchant);
  await page.setViewportSize({ width: 375, height: 800 });
  await open(page, '/customers');

  // Brand and Log out on one row.
  const brand = (await page.getByRole('banner').getByRole('link', { name: 'Shika' }).boundingBox())!;
  const logout = (await page.getByRole('button', { name: 'Log out' }).boundingBox())!;
  expect(Math.abs(brand.y + brand.height / 2 - (logout.y + logout.height / 2))).toBeLessThan(12);
  // Each customer's phone on one line, and its created time on screen without scrolling sideways.
  const lines = await page.locator('td.phone').first().evaluate((cell) => {
    const text = document.createRange();
    text.selectNodeContents(cell);
    return new Set([...text.getClientRects()].map((rect) => Math.round(rect.top))).size;
  });
  expect(lines).toBe(1);
  const created = (await page.locator('td.created').first().boundingBox())!;
  expect(created.x + created.width).toBeLessThanOrEqual(375);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  await screenshots(page, 'customers-mobile');
});
