// Journey: a visitor in Đà Nẵng needs help. Open the app, switch the city to
// Đà Nẵng, open SOS, see the national lines and the city's 1022, check that
// each is a real tel: link, and prepare an SMS carrying position and ward.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { session, byTest, switchCity, shot } from './harness.js';

// Near Cầu Rồng (Dragon Bridge), in central Đà Nẵng.
const s = session({ geolocation: { latitude: 16.0612, longitude: 108.2272, accuracy: 15 } });

test('home opens on the default city with the SOS button visible', async () => {
  const { app, page } = s;
  await page.goto(app.url);
  await byTest(page, 'app').waitFor();
  assert.match(await byTest(page, 'title').innerText(), /Hà Giang/);
  assert.ok(await byTest(page, 'sos-button').isVisible());
  assert.ok(await byTest(page, 'tab-home').isVisible());
  await shot(page, '01-home-ha-giang');
});

test('switching the city to Đà Nẵng', async () => {
  const { page } = s;
  await switchCity(page, 'da-nang');
  await shot(page, '02-settings-da-nang');
  await byTest(page, 'tab-home').click();
  await page.waitForFunction(() => /Đà Nẵng/.test(document.querySelector('[data-testid="title"]')?.textContent ?? ''));
});

test('SOS lists 113, 114, 115 and 1022 as tel: links', async () => {
  const { page } = s;
  await byTest(page, 'sos-button').click();
  await byTest(page, 'hotlines').waitFor();
  // 1022 is a city line a mobile reaches through the area code: the button dials that.
  const dials = { 113: '113', 114: '114', 115: '115', 1022: '02361022' };
  for (const [n, dial] of Object.entries(dials)) {
    const link = byTest(page, `call-${n}`);
    assert.ok(await link.isVisible(), `call-${n} visible`);
    assert.equal(await link.getAttribute('href'), `tel:${dial}`);
    assert.match(await link.innerText(), new RegExp(n));
  }
  assert.match(await byTest(page, 'dial-1022').innerText(), /02361022/);
  await shot(page, '03-sos-da-nang');
});

test('SOS prepares an SMS with the coordinates and the ward', async () => {
  const { page } = s;
  await byTest(page, 'locate').click();
  await byTest(page, 'sos-ward').waitFor();
  const text = await byTest(page, 'sms-text').innerText();
  assert.match(text, /16\.061\d*, 108\.227\d*/);
  assert.match(await byTest(page, 'sos-ward').innerText(), /Bạn đang ở/);
  const href = await byTest(page, 'open-sms').getAttribute('href');
  assert.ok(href.startsWith('sms:?body='), href);
  assert.match(decodeURIComponent(href), /16\.061\d*, 108\.227\d*/);
  await byTest(page, 'sos-sms').scrollIntoViewIfNeeded();
  await shot(page, '04-sos-sms');
});
