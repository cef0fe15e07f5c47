// Journey: a visitor in Hà Giang searches without marks, opens Lũng Cú's page
// (hours, ticket, narration), rates it, and sees the rating reach the city.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, openBrowser, byTest, shot } from './harness.js';

let app;
let b;

before(async () => {
  app = await startApp();
  b = await openBrowser();
});

after(async () => {
  await b?.browser.close();
  await app?.stop();
});

test('open a place from a search, read it, rate it', async () => {
  const { page } = b;
  await page.goto(app.url);
  await byTest(page, 'app').waitFor();
  await byTest(page, 'tab-tourism').click();
  await byTest(page, 'place-search').fill('lung cu');
  await byTest(page, 'search-count').waitFor();
  const first = page.locator('[data-testid="place-results"] [data-testid^="open-"]').first();
  // The folded search puts the place named Lũng Cú first.
  await page.waitForFunction(() =>
    /Lũng Cú/.test(document.querySelector('[data-testid="place-results"] [data-testid^="open-"]')?.innerText ?? ''));
  await first.click();
  await byTest(page, 'place-page').waitFor();
  assert.match(await byTest(page, 'place-name').innerText(), /Lũng Cú/);
  await shot(page, '40-place-page');

  await byTest(page, 'star-5').click();
  await byTest(page, 'rate-comment').fill('Cảnh đẹp, gió mạnh trên đỉnh.');
  await byTest(page, 'rate-send').click();
  // Saved at once; the sync engine sends it, and the page says so.
  await page.waitForFunction(() => !!document.querySelector('[data-testid="rate-sent"]'), null, { timeout: 30000 });
  await byTest(page, 'rate-sent').scrollIntoViewIfNeeded();
  await shot(page, '41-place-rated');
});
