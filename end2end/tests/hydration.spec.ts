import { test, expect, open, signUp, withJavaScript } from './fixtures';

test('the page hydrates: Add metadata only works once the WASM is live', async ({ page }) => {
  test.skip(!withJavaScript(), 'needs the WASM');
  await signUp(page);
  await open(page, '/customers/new');
  await expect(page.getByLabel('Metadata key')).toHaveCount(1);
  await page.getByRole('button', { name: 'Add metadata' }).click();
  await expect(page.getByLabel('Metadata key')).toHaveCount(2);
});

test('without JavaScript the editor offers a blank row and hides what needs the WASM', async ({ page }) => {
  test.skip(withJavaScript(), 'checks the page as served');
  await signUp(page);
  await open(page, '/customers/new');
  await expect(page.getByLabel('Metadata key')).toHaveCount(1);
  await expect(page.getByRole('button', { name: 'Add metadata' })).toBeHidden();
});
