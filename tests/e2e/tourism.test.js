// Journey: a visitor in Hà Giang searches without marks, opens Lũng Cú's page
// (hours, ticket, narration), rates it, and sees the rating reach the city.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startApp, startServer, openBrowser, byTest, shot } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));

let app;
let b;

before(async () => {
  app = await startApp();
  b = await openBrowser();
});

after(async () => {
  await b?.browser.close();
  await app?.stop();
});

test('open a place from a search, read it, rate it', async () => {
  const { page } = b;
  await page.goto(app.url);
  await byTest(page, 'app').waitFor();
  await byTest(page, 'tab-tourism').click();
  await byTest(page, 'place-search').fill('lung cu');
  await byTest(page, 'search-count').waitFor();
  const first = page.locator('[data-testid="place-results"] [data-testid^="open-"]').first();
  // The folded search puts the place named Lũng Cú first.
  await page.waitForFunction(() =>
    /Lũng Cú/.test(document.querySelector('[data-testid="place-results"] [data-testid^="open-"]')?.innerText ?? ''));
  await first.click();
  await byTest(page, 'place-page').waitFor();
  assert.match(await byTest(page, 'place-name').innerText(), /Lũng Cú/);
  await shot(page, '40-place-page');

  await byTest(page, 'star-5').click();
  await byTest(page, 'rate-comment').fill('Cảnh đẹp, gió mạnh trên đỉnh.');
  await byTest(page, 'rate-send').click();
  // Saved at once; the sync engine sends it, and the page says so.
  await page.waitForFunction(() => !!document.querySelector('[data-testid="rate-sent"]'), null, { timeout: 30000 });
  await byTest(page, 'rate-sent').scrollIntoViewIfNeeded();
  await shot(page, '41-place-rated');
});

// Journey: a visitor with three free hours in Hà Giang plans them, opens a
// stop, scans a site's poster from a picture and lands on its page, rates it
// while the city's server is down, and sees the rating arrive when it returns.
test('plan three hours, open a stop, scan a poster, rate it offline', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mycity-e2e-tourism-'));
  const db = join(dir, 'server.sqlite');
  let server = await startServer(db);
  const own = await startApp(['--server', server.url]);
  const ob = await openBrowser();
  try {
    // The poster a city would print, made by the CLI from the bundled pack.
    const cli = join(dirname(process.env.MYCITY_APP || join(here, '../../target/debug/mycity-app')), 'mycity-cli');
    execFileSync(cli, ['--data-dir', join(dir, 'cli'), '--city', 'ha-giang', 'poster', 'ha-giang-cot-co-lung-cu', '--out', dir]);
    const poster = join(dir, 'ha-giang-cot-co-lung-cu.png');
    execFileSync(cli, ['--data-dir', join(dir, 'cli'), '--city', 'da-nang', 'poster', 'da-nang-cau-rong', '--out', dir]);
    const elsewhere = join(dir, 'da-nang-cau-rong.png');

    const { page } = ob;
    await page.goto(own.url);
    await byTest(page, 'app').waitFor();
    await byTest(page, 'tab-tourism').click();
    await byTest(page, 'tours').waitFor();
    await shot(page, '42-tourism-guide');

    // Bad input first: 48 hours is refused next to the field.
    await byTest(page, 'plan-hours').fill('48');
    await byTest(page, 'plan-go').click();
    await byTest(page, 'error-minutes').waitFor();
    assert.match(await byTest(page, 'error-minutes').innerText(), /16 giờ/);

    await byTest(page, 'plan-hours').fill('3');
    await byTest(page, 'plan-go').click();
    await byTest(page, 'plan-stops').waitFor();
    assert.equal(await byTest(page, 'error-minutes').count(), 0);
    const stops = await page.locator('[data-testid="plan-stops"] > li').count();
    assert.ok(stops >= 1, 'at least one stop');
    await byTest(page, 'plan-route').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => !!document.querySelector('[data-testid="route-stop-1"]'), null, { timeout: 20000 });
    await page.waitForTimeout(1500); // tiles
    await shot(page, '43-tourism-plan');
    const stopName = (await page.locator('[data-testid="plan-stop-0"] strong').innerText()).trim();
    await byTest(page, 'plan-stop-0').click();
    await byTest(page, 'place-page').waitFor();
    assert.equal((await byTest(page, 'place-name').innerText()).trim(), stopName);
    await byTest(page, 'place-back').click();
    await byTest(page, 'plan-stops').waitFor();

    // The server goes down; the scan works offline from the pack.
    const port = server.port;
    await server.stop();
    // Another city's poster says which city it belongs to, and opens nothing.
    await byTest(page, 'scan-input').setInputFiles(elsewhere);
    await byTest(page, 'scan-error').waitFor({ timeout: 30000 });
    assert.match(await byTest(page, 'scan-error').innerText(), /Đà Nẵng/);
    assert.equal(await byTest(page, 'place-page').count(), 0);
    await byTest(page, 'scan-input').setInputFiles(poster);
    await byTest(page, 'place-page').waitFor({ timeout: 30000 });
    assert.match(await byTest(page, 'place-name').innerText(), /Lũng Cú/);
    await shot(page, '44-tourism-scanned');

    await byTest(page, 'star-4').click();
    await byTest(page, 'rate-comment').fill('Gió lớn, cảnh đẹp.');
    await byTest(page, 'rate-send').click();
    await byTest(page, 'rate-waiting').waitFor();

    server = await startServer(db, port);
    await page.waitForFunction(() => !!document.querySelector('[data-testid="rate-sent"]'), null, { timeout: 60000 });
    const pack = await (await fetch(`${server.url}/api/v1/cities/ha-giang/pack`)).json();
    const got = (pack.ratings || []).find((r) => r.place_id === 'ha-giang-cot-co-lung-cu');
    assert.ok(got && got.count === 1 && got.average === 4, `delivered once: ${JSON.stringify(got)}`);
    await byTest(page, 'rate-sent').scrollIntoViewIfNeeded();
    await shot(page, '45-tourism-rated-later');
  } finally {
    await ob.browser.close();
    await own.stop();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

// Journey: a visitor in Đồng Văn browses markets nearest first, a page at a time.
test('browse by kind, nearest first once the position is known, page by page', async () => {
  const ob = await openBrowser({ geolocation: { latitude: 23.2777, longitude: 105.3614 } });
  try {
    const { page } = ob;
    await page.goto(app.url);
    await byTest(page, 'app').waitFor();
    await byTest(page, 'tab-tourism').click();
    await byTest(page, 'browse-list').waitFor();
    const rows = () => page.locator('[data-testid="browse-list"] > li').count();
    const first = await rows();
    await byTest(page, 'browse-more').click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="browse-list"] > li').length > n, first);
    await byTest(page, 'browse-near').click();
    await page.waitForFunction(() => / m ·|km/.test(document.querySelector('[data-testid="browse-list"] > li')?.innerText ?? ''));
    const top = await page.locator('[data-testid="browse-list"] > li').first().innerText();
    assert.match(top, /\d+ m ·/, `the nearest is within a kilometre of Đồng Văn: ${top}`);
    await byTest(page, 'kind-market').click();
    await page.waitForFunction(() => /Chợ/.test(document.querySelector('[data-testid="browse-list"] > li')?.innerText ?? ''));
    assert.match(await page.locator('[data-testid="browse-list"] > li').first().innerText(), /Đồng Văn/);
    await byTest(page, 'browse').scrollIntoViewIfNeeded();
    await shot(page, '46-tourism-browse-near');
  } finally {
    await ob.browser.close();
  }
});
