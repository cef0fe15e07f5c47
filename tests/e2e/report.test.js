// Journey: a resident of Đà Nẵng reports a pothole: picks the category,
// answers its questions, taps the map, describes it, sends, and follows it
// in "My reports" while the city moves it to "fixed".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { session, byTest, shot, addPhoto, startPotholeReport, tapMap } from './harness.js';

const s = session();

test('report a pothole and see it received, then fixed', async () => {
  const { app, page } = s;
  await startPotholeReport(page, app.url, { size: 'large', trafficBlocked: 'yes' });
  await byTest(page, 'report-description').fill('Ổ gà sâu giữa làn xe máy, đường Bạch Đằng');
  await addPhoto(page);
  await byTest(page, 'report-photos').scrollIntoViewIfNeeded();
  await shot(page, '09-report-photo');
  await tapMap(page, 0.62, 0.55);
  await byTest(page, 'map-pin').waitFor();
  await byTest(page, 'report-ward').waitFor();
  await shot(page, '10-report-form');
  await byTest(page, 'report-send').click();
  await byTest(page, 'my-reports').waitFor();
  await page.waitForFunction(() =>
    document.querySelector('[data-testid="report-status"]')?.textContent?.includes('Đã tiếp nhận'), null, { timeout: 15000 });
  await shot(page, '11-my-reports-received');

  // The city fixes it (staff endpoint of the server the app talks to).
  // The demo server also holds six months of the city's handled reports (the scorecard's): only ours counts here.
  const all = await (await fetch(`${app.serverUrl}/open311/v2/requests.json?jurisdiction_id=da-nang`)).json();
  const requests = all.filter((r) => r.description === 'Ổ gà sâu giữa làn xe máy, đường Bạch Đằng');
  assert.equal(requests.length, 1);
  const id = requests[0].service_request_id;
  // The processed photo reached the city: a JPEG of at most 1600 px, far smaller than the original.
  const photo = await fetch(requests[0].media_url);
  assert.equal(photo.headers.get('content-type'), 'image/jpeg');
  const bytes = new Uint8Array(await photo.arrayBuffer());
  assert.ok(bytes.length > 5000 && bytes.length < 400_000, `${bytes.length} bytes`);
  const r = await fetch(`${app.serverUrl}/admin/requests/${id}/updates`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-admin-key': 'demo-admin' },
    body: JSON.stringify({ status: 'fixed', description: 'Đội duy tu đã vá xong ổ gà.' }),
  });
  assert.equal(r.status, 200);
  // Elsewhere in the app, the city's answer shows as news on the Report tab.
  await byTest(page, 'tab-home').click();
  await byTest(page, 'tab-report-news').waitFor({ timeout: 20000 });
  assert.equal(await byTest(page, 'tab-report-news').innerText(), '1');
  await shot(page, '12a-home-with-news');
  await byTest(page, 'tab-report').click();
  await byTest(page, 'report-mine').click();
  await page.waitForFunction(() =>
    document.querySelector('[data-testid="report-status"]')?.textContent?.includes('Đã xử lý xong'), null, { timeout: 20000 });
  await page.waitForFunction(() => !document.querySelector('[data-testid="tab-report-news"]'), null, { timeout: 5000 });
  assert.match(await byTest(page, 'timeline').innerText(), /Đội duy tu đã vá xong/);
  // Against the city's 7-day handling target: answered the same day.
  await page.waitForFunction(() => /Đã xử lý sau 1 ngày/.test(document.querySelector('[data-testid="report-deadline"]')?.textContent ?? ''),
    null, { timeout: 20000 });
  await byTest(page, 'notice').waitFor();
  assert.match(await byTest(page, 'notice').innerText(), /Đã xử lý xong/);
  await shot(page, '12-my-reports-fixed');

  // The city says fixed, so the card asks once: is it really fixed, and how
  // satisfied am I? Sending with nothing chosen says what is missing, in place.
  await byTest(page, 'feedback-form').waitFor();
  await byTest(page, 'feedback-send').click();
  assert.match(await byTest(page, 'feedback-error').innerText(), /khắc phục hay chưa/);
  // Not fixed after all: "no", two stars and a comment reopen it.
  await byTest(page, 'feedback-no').click();
  await byTest(page, 'feedback-star-2').click();
  await byTest(page, 'feedback-comment').fill('Vẫn còn ổ gà, nước đọng sâu hơn.');
  await shot(page, '12b-feedback-not-fixed');
  await byTest(page, 'feedback-send').click();
  await page.waitForFunction(() =>
    document.querySelector('[data-testid="report-status"]')?.textContent?.includes('Mở lại'), null, { timeout: 15000 });
  let reopened;
  for (let i = 0; i < 30; i++) {
    reopened = await (await fetch(`${app.serverUrl}/open311/v2/requests/${id}.json?jurisdiction_id=da-nang`)).json();
    if (reopened[0].extended_status === 'reopen') break;
    await new Promise((r) => setTimeout(r, 300));
  }
  assert.equal(reopened[0].extended_status, 'reopen');
  assert.match(await byTest(page, 'feedback-given').innerText(), /chưa khắc phục.*2\/5/);
  await page.waitForFunction(() => !document.querySelector('[data-testid="feedback-waiting"]'), null, { timeout: 20000 });
  await shot(page, '13-my-reports-reopened');
});

test('a second report, fixed for real, rated 5', async () => {
  const { app, page } = s;
  await startPotholeReport(page, app.url, { size: 'small', trafficBlocked: 'no' });
  await byTest(page, 'report-description').fill('Ổ gà nhỏ trước chợ Hàn');
  await tapMap(page, 0.4, 0.45);
  await byTest(page, 'map-pin').waitFor();
  await byTest(page, 'report-send').click();
  await byTest(page, 'my-reports').waitFor();
  // The new report is the first card; the earlier one already has its id.
  const card = byTest(page, 'my-report').first();
  await card.getByTestId('report-server-id').waitFor({ timeout: 20000 });
  const id = (await card.getByTestId('report-server-id').innerText()).replace(/\D/g, '');
  const r = await fetch(`${app.serverUrl}/admin/requests/${id}/updates`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-admin-key': 'demo-admin' },
    body: JSON.stringify({ status: 'fixed', description: 'Đã vá.' }),
  });
  assert.equal(r.status, 200);
  await byTest(page, 'tab-home').click();
  await byTest(page, 'tab-report-news').waitFor({ timeout: 20000 });
  await byTest(page, 'tab-report').click();
  await byTest(page, 'report-mine').click();
  await page.waitForFunction(() =>
    document.querySelector('[data-testid="report-status"]')?.textContent?.includes('Đã xử lý xong'), null, { timeout: 20000 });
  await card.getByTestId('feedback-form').waitFor({ timeout: 5000 });
  const scorecard = async () => (await fetch(`${app.serverUrl}/api/v1/cities/da-nang/scorecard`)).json();
  const before = (await scorecard()).overall.ratings;
  await card.getByTestId('feedback-yes').click();
  await card.getByTestId('feedback-star-5').click();
  await card.getByTestId('feedback-send').click();
  await card.getByTestId('feedback-given').waitFor();
  assert.match(await card.getByTestId('feedback-given').innerText(), /đã khắc phục · 5\/5/);
  // Sent: the waiting line goes, and the answers may still be changed for 14 days.
  await page.waitForFunction(() => !document.querySelector('[data-testid="feedback-waiting"]'), null, { timeout: 20000 });
  await card.getByTestId('feedback-change').waitFor();
  await shot(page, '13b-feedback-rated-5');

  // The rating counts in the city's public scorecard, opened from Home.
  assert.equal((await scorecard()).overall.ratings, before + 1);
  await byTest(page, 'tab-home').click();
  await byTest(page, 'open-scorecard-title').click();
  await byTest(page, 'scorecard').waitFor({ timeout: 20000 });
  await byTest(page, 'scorecard-refresh').click();
  await page.waitForFunction((n) =>
    document.querySelector('[data-testid="scorecard-satisfied"]')?.textContent?.includes(`qua ${n} đánh giá`), before + 1,
  { timeout: 20000 });
  await shot(page, '13c-scorecard-after-rating');
});
