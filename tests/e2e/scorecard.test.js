// Journey (issue 16): anyone opens the city's public scorecard from Home and
// sees the headline figures against the city's targets (7 days, 85 %), the
// month-by-month chart and the categories doing worst, in Vietnamese and in
// English; the card moves when the city fixes a report; with the city's server
// gone, the stored figures stay, with their age.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, startServer, openBrowser, byTest, shot } from './harness.js';

let server;
let app;
let b;
const dir = mkdtempSync(join(tmpdir(), 'mycity-e2e-scorecard-'));

before(async () => {
  // Its own server process (seeded: six months of handled reports per city), so it can go away.
  server = await startServer(join(dir, 'server.sqlite'));
  app = await startApp(['--server', server.url]);
  b = await openBrowser();
});

after(async () => {
  await b?.browser.close();
  await app?.stop();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('Home opens the scorecard with the headline figures against the targets', async () => {
  const { page } = b;
  await page.goto(app.url);
  const open = byTest(page, 'open-scorecard-title');
  await open.waitFor();
  const box = await open.boundingBox();
  assert.ok(box.width >= 44 && box.height >= 44, `tap target ${box.width}×${box.height}`);
  await open.click();
  await byTest(page, 'screen-Scorecard').waitFor();
  assert.match(await byTest(page, 'title').innerText(), /Kết quả xử lý phản ánh/);
  await byTest(page, 'scorecard').waitFor({ timeout: 20000 });

  const served = await (await fetch(`${server.url}/api/v1/cities/ha-giang/scorecard`)).json();
  assert.ok(served.overall.received >= 300, `${served.overall.received} reports seeded`);
  const text = await byTest(page, 'scorecard').innerText();
  assert.match(text, new RegExp(`${served.overall.received} phản ánh đã nhận`));
  const within = await byTest(page, 'scorecard-within-value').innerText();
  assert.equal(within, `${Math.round(served.overall.within_target * 100)} %`);
  assert.match(await byTest(page, 'scorecard-within').innerText(), /mục tiêu 85 %/);
  assert.match(await byTest(page, 'scorecard-first-answer').innerText(), /mục tiêu 7 ngày/);
  assert.match(await byTest(page, 'scorecard-within-verdict').innerText(), /^(Đạt|Chưa đạt)$/);
  assert.match(await byTest(page, 'scorecard-first-answer-value').innerText(), /^\d+(,\d)? ngày$/);
  assert.match(await byTest(page, 'scorecard-satisfied').innerText(), /trung bình \d(,\d)?\/5/);
  // Six months, one bar each, and the three categories doing worst.
  assert.equal(await byTest(page, 'scorecard-months').locator('svg rect').count(), 6);
  assert.equal(await byTest(page, 'scorecard-worst').locator('li').count(), 3);
  assert.match(await byTest(page, 'scorecard-age').innerText(), /cập nhật/);
  await shot(page, 'scorecard-01-vi');
  await byTest(page, 'scorecard-months').scrollIntoViewIfNeeded();
  await shot(page, 'scorecard-02-chart-vi');
  await byTest(page, 'scorecard-worst').scrollIntoViewIfNeeded();
  await shot(page, 'scorecard-03-worst-vi');

  // The city fixes a report in progress: a refresh moves the card (a new ETag, new figures).
  // (Once the feedback endpoint is in, a 5-star rating moves "hài lòng" the same way.)
  const fixedBefore = served.overall.fixed;
  const inProgress = (await (await fetch(`${server.url}/open311/v2/requests.json?jurisdiction_id=ha-giang&status=in_progress`)).json())
    .filter((q) => q.requested_datetime >= served.from);
  assert.ok(inProgress.length > 0, 'the demo has reports in progress');
  const r = await fetch(`${server.url}/admin/requests/${inProgress[0].service_request_id}/updates`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-admin-key': 'demo-admin' },
    body: JSON.stringify({ status: 'fixed', description: 'Đã xử lý xong.' }),
  });
  assert.ok(r.ok, `staff update: ${r.status}`);
  await byTest(page, 'scorecard-refresh').click();
  await page.waitForFunction((n) =>
    document.querySelector('[data-testid="scorecard-reopened"]')?.textContent?.includes(`trong số ${n} phản ánh`), fixedBefore + 1);
});

test('in English, and readable offline with its age', async () => {
  const { page } = b;
  await byTest(page, 'open-settings').click();
  await byTest(page, 'lang-en').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="app"]')?.getAttribute('lang') === 'en');
  await byTest(page, 'tab-home').click();
  await byTest(page, 'open-scorecard-title').click();
  await byTest(page, 'screen-Scorecard').waitFor();
  await byTest(page, 'scorecard').waitFor();
  assert.match(await byTest(page, 'title').innerText(), /How the city answers reports/);
  assert.match(await byTest(page, 'scorecard-within').innerText(), /target 85%/);
  const worst = await byTest(page, 'scorecard-worst').innerText();
  assert.doesNotMatch(worst, /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i, worst);
  await shot(page, 'scorecard-04-en');

  // The city's server goes away: the figures stay, flagged, with their age.
  await server.stop();
  server = null;
  await byTest(page, 'scorecard-refresh').click();
  await byTest(page, 'scorecard-offline').waitFor({ timeout: 20000 });
  assert.match(await byTest(page, 'scorecard-offline').innerText(), /showing the stored ones/);
  assert.match(await byTest(page, 'scorecard-age').innerText(), /updated/);
  assert.match(await byTest(page, 'scorecard-within-value').innerText(), /^\d+%$/);
  await shot(page, 'scorecard-05-offline-en');
});
