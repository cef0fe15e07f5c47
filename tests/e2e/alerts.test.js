// Journeys: staff publish a CAP alert for one ward of Đông Hà; a resident
// of that ward sees it as the banner, a resident of another ward does not;
// the authority cancels it and the banner goes. Then a consultation is
// answered while the city's server is down, sent once when it returns, and
// its results show after it closes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, startServer, openBrowser, byTest, shot, switchCity } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'mycity-e2e-alerts-'));
const db = join(dir, 'server.sqlite');
let server, appA, appB, a, b;

before(async () => {
  server = await startServer(db);
  appA = await startApp(['--server', server.url]);
  appB = await startApp(['--server', server.url]);
  a = await openBrowser();
  b = await openBrowser();
});

after(async () => {
  await a?.browser.close();
  await b?.browser.close();
  await appA?.stop();
  await appB?.stop();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const SENDER = 'pctt@quangtri.example';
const SENT = new Date(Date.now() - 60_000).toISOString().replace(/\.\d+Z$/, '+00:00');
const EXPIRES = new Date(Date.now() + 6 * 3600_000).toISOString().replace(/\.\d+Z$/, '+00:00');
const HEADLINE = 'Ngập sâu đường Lê Duẩn, phường Đông Hà';

function cap(identifier, msgType, references = '') {
  const refs = references ? `<references>${references}</references>` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>${identifier}</identifier><sender>${SENDER}</sender><sent>${SENT}</sent>
  <status>Actual</status><msgType>${msgType}</msgType><scope>Public</scope>${refs}
  <info><language>vi-VN</language><category>Met</category><event>Ngập lụt</event>
    <urgency>Immediate</urgency><severity>Severe</severity><certainty>Observed</certainty>
    <effective>${SENT}</effective><expires>${EXPIRES}</expires><senderName>Ban Chỉ huy PCTT tỉnh Quảng Trị</senderName>
    <headline>${HEADLINE}</headline>
    <description>Nước sông Hiếu dâng, đường Lê Duẩn ngập 0,5 m.</description>
    <instruction>Không đi qua đoạn ngập; di chuyển xe và tài sản lên cao.</instruction>
    <area><areaDesc>Phường Đông Hà</areaDesc>
      <polygon>16.815,107.085 16.830,107.085 16.830,107.110 16.815,107.110 16.815,107.085</polygon>
      <geocode><valueName>ward</valueName><value>19333</value></geocode></area></info>
  <info><language>en-US</language><category>Met</category><event>Flooding</event>
    <urgency>Immediate</urgency><severity>Severe</severity><certainty>Observed</certainty>
    <expires>${EXPIRES}</expires><headline>Deep water on Lê Duẩn street, Đông Hà ward</headline>
    <area><areaDesc>Đông Hà Ward</areaDesc><geocode><valueName>ward</valueName><value>19333</value></geocode></area></info>
</alert>`;
}

async function publish(xml) {
  const r = await fetch(`${server.url}/admin/cities/dong-ha/alerts`, {
    method: 'POST', headers: { 'content-type': 'application/cap+xml', 'x-admin-key': 'demo-admin' }, body: xml,
  });
  return r;
}

/** Opens the app in Đông Hà, on the Alerts screen, with `ward` as home. */
async function resident(page, url, ward) {
  await page.goto(url);
  await byTest(page, 'app').waitFor();
  await switchCity(page, 'dong-ha');
  await byTest(page, 'back').click();
  await byTest(page, 'open-alerts-title').click();
  await byTest(page, 'home-ward').selectOption(ward);
}

async function refreshAlerts(page) {
  await byTest(page, 'alerts-refresh').click();
  await byTest(page, 'alerts-age').waitFor();
}

async function homeBanner(page) {
  await byTest(page, 'back').click();
  await byTest(page, 'home-city').waitFor();
  const banner = byTest(page, 'alert-headline');
  return (await banner.count()) ? banner.innerText() : null;
}

test('a ward alert reaches that ward only, and its cancel takes it away', async () => {
  await resident(a.page, appA.url, '19333');
  await resident(b.page, appB.url, '19360');

  const created = await publish(cap('dh-ngap-001', 'Alert'));
  assert.equal(created.status, 201, await created.text());
  const bad = await publish(cap('dh-ngap-bad', 'Alert').replace('16.815,107.085</polygon>', '</polygon>'));
  assert.equal(bad.status, 400, 'an open polygon is refused');

  // The resident of Đông Hà ward: the alert first, with its area on the map.
  await refreshAlerts(a.page);
  const first = byTest(a.page, 'alert-item').first();
  await first.waitFor();
  assert.equal(await first.locator('[data-testid="alert-item-headline"]').innerText(), HEADLINE);
  assert.equal(await first.getAttribute('data-relevant'), 'true');
  assert.equal(await first.locator('[data-testid="alert-polygon"]').count(), 1);
  assert.equal(await first.locator('.ward.hit[data-ward="19333"]').count(), 1);
  assert.equal(await first.locator('[data-testid="map-home-ward"]').count(), 1);
  assert.match(await first.locator('[data-testid="alert-when"]').innerText(), /hiệu lực đến/);
  assert.match(await byTest(a.page, 'alerts-age').innerText(), /cập nhật vừa xong/);
  await shot(a.page, 'alerts-list-ward');
  assert.equal(await homeBanner(a.page), HEADLINE);
  await shot(a.page, 'alerts-banner-ward');

  // The resident of Quảng Trị ward: listed as elsewhere, never the banner.
  await refreshAlerts(b.page);
  const item = byTest(b.page, 'alert-item').filter({ hasText: HEADLINE });
  await item.waitFor();
  assert.equal(await item.getAttribute('data-relevant'), 'false');
  assert.notEqual(await homeBanner(b.page), HEADLINE);
  await shot(b.page, 'alerts-banner-elsewhere');

  // The authority cancels it.
  const refs = `${SENDER},dh-ngap-001,${SENT}`;
  const cancel = await publish(cap('dh-ngap-001-huy', 'Cancel', refs));
  assert.equal(cancel.status, 201, await cancel.text());
  await a.page.locator('[data-testid="open-alerts-title"]').click();
  await refreshAlerts(a.page);
  await a.page.waitForFunction((h) => ![...document.querySelectorAll('[data-testid="alert-item-headline"]')]
    .some((e) => e.textContent === h), HEADLINE);
  assert.notEqual(await homeBanner(a.page), HEADLINE);
  await shot(a.page, 'alerts-cancelled');
});

test('a consultation answered offline is sent once when the server returns', async () => {
  const { page } = a;
  await byTest(page, 'open-consult-title').click();
  await byTest(page, 'consult-refresh').click();
  const survey = page.locator('[data-testid^="survey-"][data-open="true"]').first();
  await survey.waitFor();
  const id = (await survey.getAttribute('data-testid')).replace(/^survey-/, '');
  assert.match(await survey.locator('[data-testid="survey-deadline"]').innerText(), /Hạn góp ý/);

  const port = server.port;
  await server.stop();

  await survey.locator('[data-testid="survey-answer"]').click();
  // Nothing chosen: the core names the first required question.
  await byTest(page, 'survey-send').click();
  await byTest(page, 'error-question:gio').waitFor();
  assert.match(await byTest(page, 'error-question:gio').innerText(), /cần được trả lời/);
  await shot(page, 'consult-required');
  await byTest(page, 'option-gio-1').check();
  await byTest(page, 'option-quan-tam-0').check();
  await byTest(page, 'option-quan-tam-2').check();
  await byTest(page, 'scale-ung-ho-4').click();
  await byTest(page, 'text-gop-y').fill('Nên có thêm thùng rác ở cổng chợ.');
  await byTest(page, 'survey-send').click();
  await byTest(page, 'survey-mine').waitFor();
  assert.match(await byTest(page, 'survey-mine').innerText(), /Đã trả lời, đang chờ gửi/);
  assert.equal(await byTest(page, 'survey-answer').count(), 0, 'one answer per device');
  await shot(page, 'consult-waiting');

  server = await startServer(db, port);
  await page.waitForFunction(() =>
    document.querySelector('[data-testid="survey-mine"]')?.textContent?.includes('Đã gửi'), null, { timeout: 40000 });
  await shot(page, 'consult-sent');

  // Staff close it; the results count this device's answer once.
  const closed = await fetch(`${server.url}/admin/surveys/${id}/close`, { method: 'POST', headers: { 'x-admin-key': 'demo-admin' } });
  assert.equal(closed.status, 200);
  const results = await (await fetch(`${server.url}/api/v1/surveys/${id}/results`)).json();
  assert.equal(results.responses, 1, 'delivered exactly once');
  assert.deepEqual(results.questions[0].counts, [0, 1, 0]);
  await byTest(page, 'consult-refresh').click();
  await page.locator(`[data-testid="survey-${id}"] [data-testid="survey-results"]`).waitFor({ timeout: 20000 });
  assert.match(await page.locator(`[data-testid="survey-${id}"] [data-testid="survey-state"]`).innerText(), /Đã kết thúc/);
  await page.locator(`[data-testid="survey-${id}"] [data-testid="survey-results"]`).scrollIntoViewIfNeeded();
  await shot(page, 'consult-results');
});

test('announcements are listed and found without accents', async () => {
  const { page } = a;
  await byTest(page, 'back').click();
  await byTest(page, 'open-announcements-title').click();
  await byTest(page, 'announcements-list').waitFor();
  assert.ok(await page.locator('[data-testid^="announcement-"]').count() >= 2);
  await byTest(page, 'announcements-search').fill('phan luong');
  await page.waitForFunction(() => document.querySelectorAll('li[data-testid^="announcement-"]').length === 1);
  assert.match(await byTest(page, 'announcement-phan-luong-giao-thong').innerText(), /Phân luồng giao thông/);
  await shot(page, 'consult-announcements');
});
