// Journey (issue 14): a person near Cầu Rồng in Đà Nẵng opens Tra cứu from
// Home. Health: the nearest pharmacy open now, with its distance, the
// approximate mark and a tel: link (its own phone when the pack knows one, and
// 115 always). Planning: tap a zone on the map and read its code and rules;
// find a zone by its code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { session, byTest, switchCity, shot } from './harness.js';

// Near Cầu Rồng (Dragon Bridge), in central Đà Nẵng (as the SOS and walk journeys).
const s = session({ geolocation: { latitude: 16.0612, longitude: 108.2272, accuracy: 15 } });

test('Tra cứu → Y tế: the nearest pharmacy open now, with a call link', async () => {
  const { app, page } = s;
  await page.goto(app.url);
  await byTest(page, 'app').waitFor();
  await switchCity(page, 'da-nang');
  await byTest(page, 'tab-home').click();
  await byTest(page, 'open-lookups-title').click();
  await byTest(page, 'open-lookups-health').click();
  await byTest(page, 'health-list').waitFor();
  // The position arrives from the browser: distances are then from the person, not the centre.
  await page.waitForFunction(() => /Gần bạn/.test(document.querySelector('[data-testid="health-origin"]')?.textContent ?? ''));
  await shot(page, 'lookups-01-health');

  await byTest(page, 'health-kind-pharmacy').click();
  await byTest(page, 'health-open-now').check();
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('[data-testid="health-list"] > li')];
    return rows.length > 0 && rows.every((r) => r.dataset.kind === 'pharmacy');
  });
  const first = page.locator('[data-testid="health-list"] > li').first();
  assert.equal(await first.locator('[data-testid="facility-open"]').innerText(), 'Đang mở cửa');
  // Nearest first: the distances read in metres or km never go down.
  const metres = await page.$$eval('[data-testid="health-list"] [data-testid="facility-meta"]', (els) => els.map((e) => {
    const m = /([\d,]+) (k?m)$/.exec(e.textContent.trim());
    return Number(m[1].replace(',', '.')) * (m[2] === 'km' ? 1000 : 1);
  }));
  assert.ok(metres.length >= 1 && metres.every((d, i) => i === 0 || d >= metres[i - 1]), metres.join(' '));
  assert.ok(metres[0] < 3000, `nearest open pharmacy within 3 km: ${metres[0]} m`);
  assert.ok(await first.locator('[data-testid="facility-approximate"]').isVisible(), 'approximate mark shown');
  // A call link: the pharmacy's own where known, else 115 at the top of the screen.
  const own = first.locator('a[href^="tel:"]');
  if (await own.count()) assert.match(await own.getAttribute('href'), /^tel:\d+$/);
  const call115 = byTest(page, 'health-call-115');
  assert.equal(await call115.getAttribute('href'), 'tel:115');
  const box = await call115.boundingBox();
  assert.ok(box.width >= 44 && box.height >= 44, `115 link ${box.width}×${box.height}`);
  // Folded search: "nha thuoc 24" finds "Nhà thuốc 24 giờ …".
  await byTest(page, 'health-search').fill('nha thuoc 24');
  await page.waitForFunction(() => /24 giờ/.test(document.querySelector('[data-testid="health-list"]')?.textContent ?? ''));
  await byTest(page, 'health-search').fill('');
  await shot(page, 'lookups-02-pharmacy-open-now');
});

test('Tra cứu → Quy hoạch: tap a zone on the map, then find one by its code', async () => {
  const { page } = s;
  await byTest(page, 'back').click();
  await byTest(page, 'open-lookups-planning').click();
  await byTest(page, 'zone-map').waitFor();
  assert.match(await byTest(page, 'planning-disclaimer').innerText(), /không phải văn bản pháp lý/);

  // Tap the middle of the commercial zone DN-TM1 as drawn.
  const zone = page.locator('[data-zone="DN-TM1"]');
  await zone.scrollIntoViewIfNeeded();
  const b = await zone.boundingBox();
  await page.mouse.click(b.x + b.width / 2, b.y + b.height / 2);
  await byTest(page, 'zone-card').waitFor();
  assert.match(await byTest(page, 'zone-code').innerText(), /DN-TM1/);
  const rules = await byTest(page, 'zone-rules').innerText();
  assert.match(rules, /Mật độ xây dựng tối đa: 60%/);
  assert.match(rules, /25 tầng/);
  assert.match(rules, /359\/QĐ-TTg/);
  assert.match(await byTest(page, 'zone-approximate').innerText(), /gần đúng/);
  assert.ok(await byTest(page, 'map-pin').isVisible());
  assert.equal(await zone.getAttribute('class'), 'zone commercial chosen');
  await byTest(page, 'zone-card').scrollIntoViewIfNeeded();
  await shot(page, 'lookups-03-zone-tapped');

  // Search by code, marks and case ignored.
  await byTest(page, 'planning-search').fill('dn-cx');
  await byTest(page, 'zone-match-DN-CX1').click();
  await page.waitForFunction(() => /DN-CX1/.test(document.querySelector('[data-testid="zone-code"]')?.textContent ?? ''));
  assert.match(await byTest(page, 'zone-use').innerText(), /cây xanh/);
  await byTest(page, 'planning-search').fill('zz-999');
  await byTest(page, 'planning-no-match').waitFor();
  await byTest(page, 'planning-search').fill('');
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'lookups-04-zone-by-code');
});
