// Journey: placing a report on the street map. Tiles come from the reference
// server's test set through the core's MBTiles cache; the pin, dragged at
// zoom 17, lands within a few metres of where it was dropped; and with no
// server and nothing cached, the ward map is drawn instead.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, openBrowser, byTest, shot, switchCity } from './harness.js';

let app;
let offline;
let b;
const HERE = { latitude: 16.0655, longitude: 108.2235 };

before(async () => {
  app = await startApp();
  // Nothing listens on port 9: the city's server is out of reach from the start.
  offline = await startApp(['--server', 'http://127.0.0.1:9']);
  b = await openBrowser({ geolocation: HERE });
});

after(async () => {
  await b?.browser.close();
  await app?.stop();
  await offline?.stop();
});

async function openPlacePicker(page, url) {
  await page.goto(url);
  await byTest(page, 'app').waitFor();
  await switchCity(page, 'da-nang');
  await byTest(page, 'tab-report').click();
  await byTest(page, 'category-pothole').click();
  await byTest(page, 'report-form').waitFor();
}

/** Metres between two positions (haversine). */
function metres(a, b) {
  const r = (d) => (d * Math.PI) / 180;
  const h = Math.sin(r(b.lat - a.lat) / 2) ** 2 + Math.cos(r(a.lat)) * Math.cos(r(b.lat)) * Math.sin(r(b.lon - a.lon) / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(h));
}

/** The report's position as the screen shows it ("ward · lat, lon"). */
async function reportPosition(page) {
  const text = await byTest(page, 'report-ward').innerText();
  const m = /(-?\d+\.\d+), (-?\d+\.\d+)\s*$/.exec(text);
  assert.ok(m, text);
  return { lat: Number(m[1]), lon: Number(m[2]) };
}

test('tiles load from the reference server and the pin lands where it is dropped', async () => {
  const { page } = b;
  await openPlacePicker(page, app.url);
  const map = byTest(page, 'tile-map');
  await map.scrollIntoViewIfNeeded();
  await page.waitForFunction(() => document.querySelectorAll('#tile-map img.leaflet-tile-loaded').length >= 4, null,
    { timeout: 20000 });
  const srcs = await page.$$eval('#tile-map img.leaflet-tile-loaded', (imgs) => imgs.map((i) => new URL(i.src).pathname));
  assert.ok(srcs.every((s) => /^\/tiles\/15\/\d+\/\d+\.png$/.test(s)), srcs.join(' '));
  assert.match(await page.locator('#tile-map .leaflet-control-attribution').innerText(), /MyCity/);
  assert.equal(await byTest(page, 'city-map').count(), 0);

  // A tap places the pin; two taps on "+" bring the map to zoom 17.
  const box = await map.boundingBox();
  await map.click({ position: { x: box.width / 2, y: box.height / 2 } });
  await byTest(page, 'report-ward').waitFor();
  await byTest(page, 'map-pin').waitFor();
  const zoom = () => page.evaluate(() => document.getElementById('tile-map')._mycity.getZoom());
  for (let want = 16, tries = 0; want <= 17 && tries < 6; tries++) {
    await page.locator('#tile-map .leaflet-control-zoom-in').click();
    // A tap can fall in Leaflet's zoom animation and be ignored: tap again then.
    await page.waitForFunction((z) => document.getElementById('tile-map')._mycity.getZoom() >= z, want, { timeout: 3000 })
      .then(() => { want += 1; }, async () => console.log(`zoom tap ignored at ${await zoom()}`));
  }
  assert.equal(await zoom(), 17);
  await page.waitForFunction(() => document.querySelectorAll('#tile-map img.leaflet-tile-loaded[src*="/tiles/17/"]').length >= 2);

  // Drag the pin by its head; its tip (the icon's bottom centre) is the position.
  const pin = await byTest(page, 'map-pin').boundingBox();
  const tip = { x: pin.x + pin.width / 2, y: pin.y + pin.height };
  const [dx, dy] = [70, -45];
  await page.mouse.move(tip.x, tip.y - 28);
  await page.mouse.down();
  await page.mouse.move(tip.x + dx / 2, tip.y - 28 + dy / 2, { steps: 6 });
  await page.mouse.move(tip.x + dx, tip.y - 28 + dy, { steps: 6 });
  await page.mouse.up();
  const dropped = await page.evaluate(([x, y]) => {
    const m = document.getElementById('tile-map')._mycity;
    const r = m.getContainer().getBoundingClientRect();
    const ll = m.containerPointToLatLng([x - r.left, y - r.top]);
    return { lat: ll.lat, lon: ll.lng };
  }, [tip.x + dx, tip.y + dy]);
  await page.waitForFunction((want) => {
    const t = document.querySelector('[data-testid="report-ward"]')?.textContent || '';
    return t.includes(want);
  }, dropped.lat.toFixed(3));
  const got = await reportPosition(page);
  const error = metres(got, dropped);
  console.log(`pin dropped at zoom 17: report position ${error.toFixed(2)} m from the drop point`);
  assert.ok(error < 5, `${error} m`);
  await byTest(page, 'report-place').scrollIntoViewIfNeeded();
  await shot(page, '40-map-tiles-pin');

  // "Use my position": the pin goes there, with a "you are here" dot.
  await byTest(page, 'report-locate').click();
  await byTest(page, 'map-me').waitFor();
  await page.waitForFunction((lat) =>
    (document.querySelector('[data-testid="report-ward"]')?.textContent || '').includes(lat), HERE.latitude.toFixed(4));
  assert.ok(metres(await reportPosition(page), { lat: HERE.latitude, lon: HERE.longitude }) < 2);
  await page.waitForFunction(() => [...document.querySelectorAll('#tile-map img.leaflet-tile')]
    .every((i) => i.classList.contains('leaflet-tile-loaded')));
  await page.waitForTimeout(300);
  await shot(page, '42-map-you-are-here');

  // Leaving and coming back builds the map again (Leaflet is already on the page).
  await byTest(page, 'tab-home').click();
  await byTest(page, 'tab-report').click();
  await byTest(page, 'category-pothole').click();
  await byTest(page, 'tile-map').scrollIntoViewIfNeeded();
  await page.waitForFunction(() => document.querySelectorAll('#tile-map img.leaflet-tile-loaded').length >= 4);
});

test('offline with an empty tile cache, the ward map is drawn', async () => {
  const { page } = b;
  await openPlacePicker(page, offline.url);
  await byTest(page, 'city-map').waitFor({ timeout: 20000 });
  assert.equal(await byTest(page, 'tile-map').count(), 0);
  await byTest(page, 'report-place').scrollIntoViewIfNeeded();
  await shot(page, '41-map-offline-wards');
});
