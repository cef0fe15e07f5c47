// Journey: a citizen of Đà Nẵng scans the receipt of a dossier (a demo
// receipt PNG drawn by `mycity-cli receipts`) through the file picker; the
// code and secret fill in and the timeline shows. A wrong secret says exactly
// what an unknown code says. Watched, a step taken by the one-stop office
// arrives as a notice and a badge. Pictures that are not receipts say why.
// The procedure catalogue is searched without diacritics and a procedure opened.
// A dossier waiting for its fee shows a VietQR that reads back, off the screen,
// as a transfer of the amount to the city's account with the dossier code; told
// it is paid, it waits for the office, whose next step takes the fee away.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startApp, openBrowser, byTest, switchCity, shot } from './harness.js';

// Built with the app: `cargo build -p mycity-app -p mycity-server -p mycity-core --bin mycity-cli`.
const CLI = process.env.MYCITY_CLI
  || join(process.env.MYCITY_APP ? dirname(process.env.MYCITY_APP) : new URL('../../target/debug', import.meta.url).pathname, 'mycity-cli');

let app;
let b;
const admin = { 'x-admin-key': 'demo-admin', 'content-type': 'application/json' };

before(async () => {
  app = await startApp();
  b = await openBrowser();
});

after(async () => {
  await b?.browser.close();
  await app?.stop();
});

/** A demo dossier of Đà Nẵng by sequence number: 0001 (secret 2468) is new, 0006 (3344) waits for its fee. */
async function demoDossier(seq = '0001') {
  const list = await (await fetch(`${app.serverUrl}/admin/dossiers?city=da-nang`, { headers: admin })).json();
  const d = list.find((x) => x.code.endsWith(`-${seq}`));
  assert.ok(d, JSON.stringify(list));
  return d;
}

/** The demo receipts of Đà Nẵng as PNG files (one per status), drawn by the CLI from the server's demo list. */
function demoReceipts() {
  const dir = mkdtempSync(join(tmpdir(), 'receipts-'));
  execFileSync(CLI, ['--data-dir', join(dir, 'data'), '--city', 'da-nang', '--server', app.serverUrl, 'receipts', '--out', dir]);
  return Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.png')).map((f) => [f.split('-')[2], join(dir, f)]));
}

async function lookUp(page, code, secret) {
  await byTest(page, 'dossier-tab-lookup').click();
  await byTest(page, 'dossier-code').fill(code);
  await byTest(page, 'dossier-secret').fill(secret);
  await byTest(page, 'dossier-lookup').click();
}

test('a wrong secret reads like an unknown code; the right one shows the timeline', async () => {
  const { page } = b;
  await page.goto(app.url);
  await byTest(page, 'app').waitFor();
  await switchCity(page, 'da-nang');
  await byTest(page, 'tab-dossier').click();
  const d = await demoDossier();

  await lookUp(page, d.code, '0000');
  await byTest(page, 'dossier-error').waitFor();
  const wrongSecret = await byTest(page, 'dossier-error').innerText();
  const unknown = d.code.replace(/-0001$/, '-0999');
  await lookUp(page, unknown, '2468');
  await page.waitForFunction(() => !!document.querySelector('[data-testid="dossier-error"]'));
  assert.equal(await byTest(page, 'dossier-error').innerText(), wrongSecret, 'the same words for both');
  await shot(page, '30-dossier-not-found');

  // The receipt of dossier 0001, scanned: code and secret fill in, the timeline shows.
  const receipts = demoReceipts();
  const file = Object.entries(receipts).find(([seq]) => seq === '0001')?.[1];
  assert.ok(file, JSON.stringify(receipts));
  await byTest(page, 'dossier-code').fill('');
  await byTest(page, 'dossier-secret').fill('');
  await byTest(page, 'receipt-input').setInputFiles(file);
  await byTest(page, 'dossier-timeline').waitFor({ timeout: 20000 });
  assert.equal(await byTest(page, 'dossier-code').inputValue(), d.code);
  assert.equal(await byTest(page, 'dossier-secret').inputValue(), '2468');
  assert.ok((await byTest(page, 'dossier-status').innerText()).length > 0);
  await shot(page, '31-dossier-timeline');
});

test('pictures that are not receipts say why', async () => {
  const { page } = b;
  const dir = mkdtempSync(join(tmpdir(), 'not-receipts-'));
  const cases = [
    // A screenshot of the app itself: a picture without a code.
    ['screen.png', await page.screenshot(), /QR/],
    ['notes.png', Buffer.from('these are notes, not a picture'), /JPEG/],
  ];
  for (const [name, bytes, expected] of cases) {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    await byTest(page, 'receipt-input').setInputFiles(path);
    await page.waitForFunction((re) => new RegExp(re).test(document.querySelector('[data-testid="dossier-error"]')?.textContent ?? ''),
      expected.source, { timeout: 15000 });
  }
  // A site poster's QR: a code, but not a receipt.
  const poster = join(dir, 'poster');
  execFileSync(CLI, ['--data-dir', join(dir, 'data'), '--city', 'ha-giang', 'poster', 'ha-giang-cot-co-lung-cu', '--out', poster]);
  await byTest(page, 'receipt-input').setInputFiles(join(poster, 'ha-giang-cot-co-lung-cu.png'));
  await page.waitForFunction(() => /giấy tiếp nhận/.test(document.querySelector('[data-testid="dossier-error"]')?.textContent ?? ''),
    null, { timeout: 15000 });
  await shot(page, '34-dossier-not-a-receipt');
});

test('a watched dossier that moves on brings a notice', async () => {
  const { page } = b;
  await byTest(page, 'dossier-watch').click();
  await byTest(page, 'dossier-tab-watched').click();
  await byTest(page, 'dossier-watched-item').first().waitFor();
  const d = await demoDossier();
  const r = await fetch(`${app.serverUrl}/admin/dossiers/${d.code}/advance`, {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({ status: 5, note: 'Thiếu bản sao CCCD', missing_papers: ['Bản sao căn cước công dân'] }),
  });
  assert.equal(r.status, 200, await r.text());
  await page.waitForFunction(() => /giấy tờ|CCCD/i.test(document.querySelector('[data-testid="notice"]')?.textContent ?? ''),
    null, { timeout: 30000 });
  await byTest(page, 'dossier-badge').first().waitFor({ timeout: 15000 });
  assert.equal(await byTest(page, 'dossier-badge').first().innerText(), '1');
  await shot(page, '32-dossier-notice');
});

test('the catalogue is searched without diacritics and a procedure opens', async () => {
  const { page } = b;
  await byTest(page, 'dossier-tab-catalogue').click();
  await byTest(page, 'catalogue-search').fill('giay phep xay dung');
  await byTest(page, 'catalogue-item').first().waitFor({ timeout: 15000 });
  assert.match(await byTest(page, 'catalogue-results').innerText(), /giấy phép xây dựng/i);
  await byTest(page, 'catalogue-item').first().click();
  await byTest(page, 'procedure-detail').waitFor();
  assert.match(await byTest(page, 'procedure-name').innerText(), /\S/);
  await shot(page, '33-procedure-detail');
});

test('a fee to pay shows a VietQR that reads back as the transfer', async () => {
  const { page } = b;
  await page.goto(app.url);
  await byTest(page, 'app').waitFor();
  await switchCity(page, 'da-nang');
  await byTest(page, 'tab-dossier').click();
  const d = await demoDossier('0006');
  await lookUp(page, d.code, '3344');
  await byTest(page, 'dossier-fee-qr').waitFor({ timeout: 20000 });
  assert.match(await byTest(page, 'dossier-fee-amount').innerText(), /150\.000/);
  assert.match(await byTest(page, 'dossier-fee-words').innerText(), /^Một trăm năm mươi nghìn đồng$/);
  assert.equal(await byTest(page, 'dossier-fee-reference').innerText(), d.code);
  // Centred, clear of the fixed tab bar, as a person would hold it up to another phone.
  await byTest(page, 'dossier-fee-qr').evaluate((e) => e.scrollIntoView({ block: 'center' }));
  await shot(page, '35-dossier-fee-vietqr');

  // The code as drawn on the screen, read by the core's QR reader through the CLI.
  const png = join(mkdtempSync(join(tmpdir(), 'fee-')), 'qr.png');
  await byTest(page, 'dossier-fee-qr').screenshot({ path: png });
  const payload = execFileSync(CLI, ['qr', png]).toString().trim();
  assert.match(payload, /^000201010212/, payload);
  assert.ok(payload.includes('A000000727') && payload.includes('5406150000') && payload.includes(d.code), payload);

  // "I have transferred it": the dossier waits for the office's confirmation.
  await byTest(page, 'dossier-fee-paid').click();
  await byTest(page, 'dossier-fee-waiting').waitFor({ timeout: 20000 });
  assert.equal(await byTest(page, 'dossier-fee-paid').count(), 0);
  await byTest(page, 'dossier-fee-waiting').evaluate((e) => e.scrollIntoView({ block: 'center' }));
  await shot(page, '36-dossier-fee-paid-waiting');

  // The office confirms by moving the dossier on: looked up again, no fee to pay.
  const res = await fetch(`${app.serverUrl}/admin/dossiers/${encodeURIComponent(d.code)}/advance`,
    { method: 'POST', headers: admin, body: JSON.stringify({ status: 4, note: 'Đã nhận lệ phí' }) });
  assert.equal(res.status, 200);
  await lookUp(page, d.code, '3344');
  await page.waitForFunction(() => /Đã nhận lệ phí/.test(document.querySelector('[data-testid="dossier-timeline"]')?.textContent ?? ''),
    null, { timeout: 20000 });
  assert.equal(await byTest(page, 'dossier-fee').count(), 0);
});
