// Journey: a resident of Đà Nẵng opens Tra cứu → Giao thông from Home, sees
// the next bus at the nearest stop (approximate timetable, said so), opens
// that bus's route on the map, and sees the road closure the city published
// as a CAP alert drawn there with its text. A city without buses says so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, openBrowser, byTest, shot, switchCity } from './harness.js';

let app;
let b;

before(async () => {
  app = await startApp();
  // Beside Đà Nẵng's central bus station.
  b = await openBrowser({ geolocation: { latitude: 16.0601, longitude: 108.1722, accuracy: 20 } });
});

after(async () => {
  await b?.browser.close();
  await app?.stop();
});

async function openTransport(page) {
  await byTest(page, 'tab-home').click();
  await byTest(page, 'home-city').waitFor();
  await byTest(page, 'open-lookups-title').click();
  await byTest(page, 'open-lookups-transport').click();
}

test('see the next bus at a stop, open its route, see a road closure', async () => {
  const { page } = b;
  await page.goto(app.url);
  await byTest(page, 'app').waitFor();

  // Hà Giang (the default city) has no buses: said plainly.
  await openTransport(page);
  await byTest(page, 'transport-none').waitFor();
  assert.match(await byTest(page, 'transport-none').innerText(), /chưa có lịch xe buýt/);

  await switchCity(page, 'da-nang');
  // The closures come with the city's alerts: fetch them once, as a resident would.
  await byTest(page, 'tab-home').click();
  await byTest(page, 'open-alerts-title').click();
  await byTest(page, 'alerts-refresh').click();
  await byTest(page, 'alerts-age').waitFor({ timeout: 20000 });

  await openTransport(page);
  await byTest(page, 'transport-stops').waitFor();
  assert.match(await byTest(page, 'transport-approximate').innerText(), /gần đúng/);
  assert.match(await byTest(page, 'transport-from').innerText(), /trung tâm thành phố/);
  // From where the person stands: the bus station is the nearest stop.
  await byTest(page, 'transport-locate').click();
  await page.waitForFunction(() => /^Tính từ vị trí của bạn/.test(document.querySelector('[data-testid="transport-from"]')?.innerText ?? ''));
  assert.equal(await page.locator('[data-testid="transport-stops"] > li').first().getAttribute('data-testid'), 'stop-BXTT');
  const first = page.locator('[data-testid="transport-stops"] > li').first();
  const bus = first.locator('[data-testid="departure"]').first();
  await bus.waitFor();
  const number = (await bus.locator('[data-testid="departure-route"]').innerText()).trim();
  assert.match(number, /^(02|R\d+[A-Z]?)$/);
  assert.match(await bus.locator('[data-testid="departure-minutes"]').innerText(), /\d+ phút|đang đến|lúc \d\d:\d\d/);
  await shot(page, '90-transport-next-buses');

  // Its route on the map: the line and its stops, in the route's colour.
  await bus.click();
  await byTest(page, 'route-card').waitFor();
  assert.match(await byTest(page, 'route-title').innerText(), new RegExp(`Tuyến ${number}`));
  assert.equal(await byTest(page, 'route-line').count(), 2, 'both directions drawn');
  assert.ok(await byTest(page, 'route-stop').count() >= 8);
  await byTest(page, 'transport-map').scrollIntoViewIfNeeded();
  await shot(page, '91-transport-route-map');

  // The road closure: drawn on the map (the alert map's drawing) and listed with its text.
  await byTest(page, 'closure').first().waitFor({ timeout: 20000 });
  const headlines = await byTest(page, 'closure-headline').allInnerTexts();
  assert.ok(headlines.some((h) => /Bạch Đằng/.test(h)), headlines.join(' | '));
  assert.ok(await page.locator('[data-testid="transport-map"] [data-testid="alert-polygon"]').count() >= 1);
  // R15 passes the closed stretch of Bạch Đằng's neighbourhood: choose it from the chips.
  await byTest(page, 'route-R15').click();
  await page.waitForFunction(() => /R15/.test(document.querySelector('[data-testid="route-title"]')?.innerText ?? ''));
  await byTest(page, 'transport-map').scrollIntoViewIfNeeded();
  await shot(page, '92-transport-closure-on-map');
  await byTest(page, 'closures').scrollIntoViewIfNeeded();
  await shot(page, '93-transport-closures');
});
