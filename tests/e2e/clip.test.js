// Journey: a resident adds a short video to a pothole report on a phone
// network that keeps dropping. The clip is checked and stripped on the phone,
// its upload (tus) is cut twice and resumes where it stopped; then the network
// goes away altogether, the app is closed, and on reopening the report still
// shows how far its video got. When the network returns the upload goes on
// from there and the report arrives with its whole clip, little sent twice.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, startServer, openBrowser, byTest, shot, startPotholeReport, CLIP_FIXTURE } from './harness.js';
import { startFaultProxy } from './fault-proxy.js';

const MB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'mycity-e2e-clip-'));
let server;
let proxy;
let app;
let b;

before(async () => {
  server = await startServer(join(dir, 'server.sqlite'));
  // The clip goes in 2 MB PATCHes: cut inside the first and the second, then down inside the third.
  proxy = await startFaultProxy(server.url, { cutAt: [0.7 * MB, 2.9 * MB], downAt: 4.3 * MB });
  app = await startApp(['--server', proxy.url]);
  b = await openBrowser();
});

after(async () => {
  await b?.browser.close();
  await app?.stop();
  await proxy?.stop();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const percentShown = async (page) => {
  const text = await byTest(page, 'clip-progress').innerText();
  const m = /(\d+)%/.exec(text);
  assert.ok(m, text);
  return Number(m[1]);
};

test('a clip cut on a bad network resumes, survives a restart and arrives whole', async () => {
  const { page, context } = b;
  const clipFile = join(dir, 'VID_20261129_0815.mp4');
  execFileSync(CLIP_FIXTURE, [clipFile, '6', '12']);

  await startPotholeReport(page, app.url, { size: 'large', trafficBlocked: 'yes' });
  await byTest(page, 'report-description').fill('Ổ gà lớn, xe máy phải tránh; xem video');
  await byTest(page, 'clip-input').setInputFiles(clipFile);
  await byTest(page, 'clip-chosen').waitFor({ timeout: 30_000 });
  assert.match(await byTest(page, 'clip-facts').innerText(), /Video 12 giây · 6,0 MB/);
  // Filmed in Đà Nẵng: the clip's own place becomes the report's.
  await byTest(page, 'pin-from-photo').waitFor();
  await byTest(page, 'clip-chosen').evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await shot(page, '60-clip-chosen');

  await byTest(page, 'report-send').click();
  await byTest(page, 'my-reports').waitFor();
  // Cut twice, resumed twice, then the network goes: the card keeps what the city confirmed.
  await page.waitForFunction(() => /Đang gửi video: [1-9]\d?%/.test(
    document.querySelector('[data-testid="clip-progress"]')?.textContent || ''), null, { timeout: 60_000 });
  await new Promise((r) => { const t = setInterval(() => { if (proxy.state.down) { clearInterval(t); r(); } }, 100); });
  assert.equal(proxy.state.cuts, 3, 'two cuts and the network gone');
  await shot(page, '61-clip-sending');

  // The phone closes the app mid-upload and opens it again later.
  await app.stop({ keepData: true });
  app = await startApp(['--server', proxy.url], { dataDir: app.dataDir });
  await page.goto(app.url);
  await byTest(page, 'tab-report').click();
  await byTest(page, 'report-mine').click();
  const kept = await percentShown(page);
  assert.ok(kept >= 30 && kept < 100, `progress kept across the restart: ${kept}%`);
  await shot(page, '62-clip-after-restart');

  // The network returns: the upload goes on from where the server stands.
  proxy.up();
  await context.setOffline(true);
  await context.setOffline(false);
  await byTest(page, 'clip-sent').waitFor({ timeout: 60_000 });
  await page.waitForFunction(() =>
    document.querySelector('[data-testid="report-status"]')?.textContent?.includes('Đã tiếp nhận'), null, { timeout: 30_000 });
  await shot(page, '63-clip-sent');

  const all = await (await fetch(`${server.url}/open311/v2/requests.json?jurisdiction_id=da-nang`)).json();
  const mine = all.filter((r) => r.description.startsWith('Ổ gà lớn, xe máy'));
  assert.equal(mine.length, 1, 'delivered exactly once');
  const clip = await fetch(mine[0].media_url);
  assert.equal(clip.status, 200);
  assert.equal(clip.headers.get('content-type'), 'video/mp4');
  const body = Buffer.from(await clip.arrayBuffer());
  assert.ok(body.length > 6 * MB && body.length < 6.1 * MB, `${body.length} bytes arrived`);
  assert.equal(body.indexOf(Buffer.from('©xyz', 'latin1')), -1, 'no place left in the clip');
  const tail = await fetch(mine[0].media_url, { headers: { range: `bytes=${body.length - 100}-` } });
  assert.equal(tail.status, 206, 'served with range requests');
  assert.ok(Buffer.from(await tail.arrayBuffer()).equals(body.subarray(body.length - 100)));
  // Resumed, not restarted: at most 10 % of the clip crossed the network twice.
  assert.ok(proxy.state.patchBytes <= body.length * 1.1, `${proxy.state.patchBytes} bytes sent for ${body.length}`);
});

test('a clip filmed on the phone gets a frame of it as its poster', async () => {
  const { page } = b;
  // The browser films 2 s of a moving shape as H.264 MP4 (fragmented, as
  // phones' web views record), so the web view's own decoder can draw a frame.
  const b64 = await page.evaluate(async () => {
    const c = document.createElement('canvas');
    c.width = 320; c.height = 240;
    const g = c.getContext('2d');
    let t = 0;
    const draw = () => {
      g.fillStyle = '#7a7f85'; g.fillRect(0, 0, 320, 240);
      g.fillStyle = '#2a2a2a'; g.beginPath(); g.ellipse(160 + 40 * Math.sin(t / 8), 130, 90, 50, 0, 0, 7); g.fill();
      t += 1;
    };
    const timer = setInterval(draw, 33);
    draw();
    const rec = new MediaRecorder(c.captureStream(30), { mimeType: 'video/mp4;codecs=avc1' });
    const parts = [];
    rec.ondataavailable = (e) => parts.push(e.data);
    rec.start();
    await new Promise((r) => setTimeout(r, 2000));
    rec.stop();
    await new Promise((r) => { rec.onstop = r; });
    clearInterval(timer);
    const bytes = new Uint8Array(await new Blob(parts).arrayBuffer());
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(s);
  });
  const filmed = join(dir, 'filmed.mp4');
  writeFileSync(filmed, Buffer.from(b64, 'base64'));

  await byTest(page, 'tab-report').click();
  await byTest(page, 'report-new').click();
  await byTest(page, 'category-pothole').click();
  await byTest(page, 'clip-input').setInputFiles(filmed);
  await byTest(page, 'clip-poster-frame').waitFor({ timeout: 30_000 });
  assert.match(await byTest(page, 'clip-facts').innerText(), /Video [23] giây · \d+ KB/);
  await byTest(page, 'clip-chosen').evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await shot(page, '64-clip-poster');
  await byTest(page, 'clip-remove').click();
  await byTest(page, 'clip-input').waitFor({ state: 'attached' });
});
