// Journey: a resident of Hà Giang opens the app and sees the air near them:
// the home card shows a station's VN_AQI in its band colour with advice and
// age, once the sync engine has brought the readings; "Xem các trạm" lists
// the three stations of the city.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { session, byTest, shot } from './harness.js';

const s = session();

test('home shows the air of the station nearest the centre, in its band colour', async () => {
  const { app, page } = s;
  await page.goto(app.url);
  const card = byTest(page, 'air-card');
  await card.waitFor();
  // The engine fetches readings soon after start; the card re-reads then.
  const badge = card.locator('[data-testid^="aqi-hg-aq"]').first();
  await badge.waitFor({ timeout: 30000 });
  const text = await badge.innerText();
  assert.match(text, /\d+/);
  assert.match(text, /Tốt|Trung bình|Kém|Xấu|Rất xấu|Nguy hại/);
  const bg = await badge.evaluate((e) => getComputedStyle(e).backgroundColor);
  assert.ok(
    ['rgb(0, 228, 0)', 'rgb(255, 255, 0)', 'rgb(255, 126, 0)', 'rgb(255, 0, 0)', 'rgb(143, 63, 151)', 'rgb(126, 0, 35)'].includes(bg),
    bg,
  );
  assert.match(await card.innerText(), /Trạm quan trắc/);
  await card.scrollIntoViewIfNeeded();
  await shot(page, 'air-01-home-card');
});

test('the air screen lists the three stations of Hà Giang', async () => {
  const { page } = s;
  const more = byTest(page, 'air-open');
  const box = await more.boundingBox();
  assert.ok(box.height >= 44, `tap target ${box.height}px`);
  await more.click();
  for (const id of ['hg-aq-1', 'hg-aq-2', 'hg-aq-3']) {
    await byTest(page, `air-station-${id}`).waitFor();
  }
  assert.match(await byTest(page, 'title').innerText(), /Chất lượng không khí/);
  await shot(page, 'air-02-stations');
});
