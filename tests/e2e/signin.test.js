// Optional sign-in, as a citizen does it on a phone (390×844): a report made
// on a "first device" under the account (a script signing in at the
// development provider and posting with its token), then, in the app,
// Settings → Đăng nhập opens the provider's page in a new tab (the system
// browser of browser mode), the citizen logs in through the provider's own
// form, the loopback callback completes the sign-in in the core, My reports
// shows the first device's report, and Đăng xuất signs out. A first attempt
// is cancelled at the provider's page and says so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, startServer, startProvider, openBrowser, byTest, shot, switchCity } from './harness.js';

const s = {};
const b64url = (buf) => buf.toString('base64url');

before(async () => {
  s.dir = mkdtempSync(join(tmpdir(), 'mycity-signin-'));
  s.idp = await startProvider();
  s.server = await startServer(join(s.dir, 'server.sqlite'), 0,
    ['--oidc-issuer', s.idp.issuer, '--oidc-audience', s.idp.audience]);
  s.app = await startApp(['--server', s.server.url]);
  Object.assign(s, await openBrowser());
});

after(async () => {
  await s.browser?.close();
  await s.app?.stop();
  await s.server?.stop();
  await s.idp?.stop();
  if (s.dir) rmSync(s.dir, { recursive: true, force: true });
});

/** The first device: signs `login` in at the provider (code + PKCE) in a context of its own; returns the access token. */
async function firstDeviceToken(login) {
  const context = await s.browser.newContext();
  const page = await context.newPage();
  const verifier = b64url(randomBytes(32));
  const redirect = 'http://127.0.0.1:9/callback';
  let code;
  await page.route('http://127.0.0.1:9/**', (route) => {
    code = new URL(route.request().url()).searchParams.get('code');
    return route.fulfill({ body: 'ok' });
  });
  const auth = new URL(`${s.idp.issuer}/auth`);
  auth.search = new URLSearchParams({
    client_id: 'mycity', response_type: 'code', redirect_uri: redirect, scope: 'openid profile',
    code_challenge: b64url(createHash('sha256').update(verifier).digest()), code_challenge_method: 'S256',
    state: 'first-device', nonce: 'n', resource: s.idp.audience,
  }).toString();
  await page.goto(auth.toString());
  await page.fill('input[name="login"]', login);
  await page.fill('input[name="password"]', 'mật khẩu bất kỳ');
  await page.click('button[type="submit"]');
  await page.click('button[type="submit"]'); // consent
  for (let i = 0; i < 50 && !code; i++) await new Promise((r) => setTimeout(r, 100));
  await context.close();
  assert.ok(code, 'the provider sent a code');
  const tokens = await fetch(`${s.idp.issuer}/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirect, client_id: 'mycity', code_verifier: verifier }),
  }).then((r) => r.json());
  assert.ok(tokens.access_token, JSON.stringify(tokens));
  return tokens.access_token;
}

/** Scrolls the account card to the middle of the screen, clear of the tab bar. */
const showAccount = (page) => byTest(page, 'settings-account').evaluate((e) => e.scrollIntoView({ block: 'center' }));

test('sign in with the city provider, see my reports from another device, sign out', async () => {
  const { page, context } = s;
  // A report filed from the first device, under the account "citizen".
  const token = await firstDeviceToken('citizen');
  const filed = await fetch(`${s.server.url}/open311/v2/requests.json`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: new URLSearchParams({
      api_key: 'demo-key', jurisdiction_id: 'da-nang', service_code: 'pothole', lat: '16.0612', long: '108.2272',
      'attribute[size]': 'large', 'attribute[traffic_blocked]': 'no',
      description: 'Ổ gà trước số 12 Bạch Đằng (gửi từ điện thoại cũ)',
    }),
  }).then((r) => r.json());
  assert.equal(filed[0].account_id, 'citizen');

  await page.goto(s.app.url);
  await byTest(page, 'app').waitFor();
  await switchCity(page, 'da-nang');
  await showAccount(page);
  await byTest(page, 'sign-in').waitFor();
  await shot(page, 'signin-01-anonymous');

  // Cancelled halfway at the provider: a clear message, still anonymous.
  await byTest(page, 'sign-in').click();
  await byTest(page, 'signin-link').waitFor({ timeout: 20_000 });
  const [abandoned] = await Promise.all([context.waitForEvent('page'), byTest(page, 'signin-link').click()]);
  await abandoned.getByText('[ Cancel ]').click();
  await abandoned.getByText('Chưa đăng nhập được').waitFor();
  await abandoned.close();
  await byTest(page, 'account-error').waitFor({ timeout: 20_000 });
  assert.match(await byTest(page, 'account-error').innerText(), /Đã hủy đăng nhập/);
  await byTest(page, 'sign-in').waitFor();
  await showAccount(page);
  await shot(page, 'signin-02-cancelled');

  await byTest(page, 'sign-in').click();
  await byTest(page, 'signin-link').waitFor({ timeout: 20_000 });
  await shot(page, 'signin-02-waiting');
  const [popup] = await Promise.all([context.waitForEvent('page'), byTest(page, 'signin-link').click()]);
  await popup.waitForLoadState();
  await popup.locator('input[name="login"]').waitFor();
  await popup.fill('input[name="login"]', 'citizen');
  await popup.fill('input[name="password"]', 'mật khẩu bất kỳ');
  await shot(popup, 'signin-03-provider-login');
  await popup.click('button[type="submit"]');
  await popup.locator('button[type="submit"]').waitFor();
  await shot(popup, 'signin-04-provider-consent');
  await popup.click('button[type="submit"]');
  await popup.waitForURL(/127\.0\.0\.1:\d+\/callback/);
  await popup.getByText('Đã đăng nhập MyCity').waitFor();
  await shot(popup, 'signin-05-back-to-app');
  await popup.close();

  await byTest(page, 'account-name').waitFor({ timeout: 20_000 });
  assert.match(await byTest(page, 'account-name').innerText(), /Nguyễn Thị Dân/);
  await showAccount(page);
  await shot(page, 'signin-06-signed-in');

  await byTest(page, 'tab-report').click();
  await byTest(page, 'report-mine').click();
  await byTest(page, 'my-reports').waitFor({ timeout: 20_000 });
  const texts = await byTest(page, 'my-report').allInnerTexts();
  assert.ok(texts.some((t) => t.includes('Bạch Đằng')), texts.join('\n'));
  await shot(page, 'signin-07-my-reports');

  await byTest(page, 'open-settings').click();
  await byTest(page, 'sign-out').click();
  await byTest(page, 'sign-in').waitFor({ timeout: 20_000 });
  await showAccount(page);
  await shot(page, 'signin-08-signed-out');
});
