// Journey: a resident reports a pothole, with a photo, while the city's server is down.
// The report waits on the phone; when the server comes back it is sent,
// once, and the city's answer shows in "My reports".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, startServer, openBrowser, byTest, shot, addPhoto, startPotholeReport, tapMap } from './harness.js';

let server;
let app;
let b;
const dir = mkdtempSync(join(tmpdir(), 'mycity-e2e-server-'));
const db = join(dir, 'server.sqlite');

before(async () => {
  server = await startServer(db);
  app = await startApp(['--server', server.url]);
  b = await openBrowser();
});

after(async () => {
  await b?.browser.close();
  await app?.stop();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('a report made offline is delivered when the server returns', async () => {
  const { page } = b;
  await startPotholeReport(page, app.url, { size: 'medium', trafficBlocked: 'no' });

  // The city's server goes down.
  const port = server.port;
  await server.stop();

  await byTest(page, 'report-description').fill('Ổ gà trước chợ Hàn');
  await addPhoto(page);
  await tapMap(page, 0.6, 0.55);
  await byTest(page, 'report-send').click();
  await byTest(page, 'waiting-banner').waitFor();
  assert.match(await byTest(page, 'waiting-banner').innerText(), /Đang chờ gửi \(1\)/);
  assert.match(await byTest(page, 'report-status').innerText(), /Đang chờ gửi/);
  await shot(page, '20-offline-waiting');

  // It comes back on the same address, with its data.
  server = await startServer(db, port);
  await page.waitForFunction(() =>
    document.querySelector('[data-testid="report-status"]')?.textContent?.includes('Đã tiếp nhận'), null, { timeout: 30000 });
  assert.equal(await byTest(page, 'waiting-banner').count(), 0);
  // A seeded server also holds six months of the city's handled reports (the scorecard's): only ours counts here.
  const all = await (await fetch(`${server.url}/open311/v2/requests.json?jurisdiction_id=da-nang`)).json();
  const requests = all.filter((r) => r.description === 'Ổ gà trước chợ Hàn');
  assert.equal(requests.length, 1, 'delivered exactly once');
  assert.equal(requests[0].description, 'Ổ gà trước chợ Hàn');
  const photo = await fetch(requests[0].media_url);
  assert.equal(photo.headers.get('content-type'), 'image/jpeg', 'the photo went along');
  await shot(page, '21-online-sent');

  const r = await fetch(`${server.url}/admin/requests/${requests[0].service_request_id}/updates`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-admin-key': 'demo-admin' },
    body: JSON.stringify({ status: 'fixed', description: 'Đã thảm lại mặt đường.' }),
  });
  assert.equal(r.status, 200);
  await page.waitForFunction(() =>
    document.querySelector('[data-testid="report-status"]')?.textContent?.includes('Đã xử lý xong'), null, { timeout: 20000 });
  assert.match(await byTest(page, 'timeline').innerText(), /Đã thảm lại mặt đường/);
  await shot(page, '22-fixed');
});
