// Journey: a citizen of Đà Nẵng checks a dossier with the code and the secret
// on the receipt. A wrong secret says exactly what an unknown code says. With
// the right one the timeline shows; watched, a step taken by the one-stop
// office arrives as a notice and a badge. The procedure catalogue is searched
// without diacritics and a procedure opened.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, openBrowser, byTest, switchCity, shot } from './harness.js';

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

/** The demo dossier with sequence number 0001 (secret 2468) in Đà Nẵng. */
async function demoDossier() {
  const list = await (await fetch(`${app.serverUrl}/admin/dossiers?city=da-nang`, { headers: admin })).json();
  const d = list.find((x) => x.code.endsWith('-0001'));
  assert.ok(d, JSON.stringify(list));
  return d;
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

  await lookUp(page, d.code, '2468');
  await byTest(page, 'dossier-timeline').waitFor({ timeout: 15000 });
  assert.ok((await byTest(page, 'dossier-status').innerText()).length > 0);
  await shot(page, '31-dossier-timeline');
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
