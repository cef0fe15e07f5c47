// Walk: a newcomer opens every screen at 390×844, once in Vietnamese and once
// in English. On each screen: every tap target is at least 44×44 px, the
// Vietnamese screens carry no English developer words, the English screens
// carry no Vietnamese category or question text, prices are grouped, and no
// raw ISO date reaches the person. A report with a missing answer shows the
// error next to its field, with the focus there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { session, byTest, switchCity, shot } from './harness.js';

const s = session({ geolocation: { latitude: 16.0612, longitude: 108.2272, accuracy: 15 } });

/** Every visible interactive element smaller than 44×44 px (a checkbox counts as its label). */
async function smallTargets(page) {
  return page.evaluate(() => {
    const sel = 'button, a[href], input:not([type=hidden]), select, textarea, summary, [role=button]';
    const bad = [];
    for (const el of document.querySelectorAll(sel)) {
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.display === 'none') continue;
      const viaLabel = ['checkbox', 'radio', 'file'].includes(el.type);
      const target = viaLabel ? el.closest('label') || el : el;
      const r = target.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.width < 44 || r.height < 44) {
        const name = el.dataset.testid || el.getAttribute('aria-label') || el.outerHTML.slice(0, 60);
        bad.push(`${name}: ${Math.round(r.width)}×${Math.round(r.height)}`);
      }
    }
    return bad;
  });
}

const DEVELOPER_WORDS = /invalid input|network unavailable|server error \d|error sending request|storage error|local storage|unknown city|\bNone\b|Some\(|panicked|tcp connect|connection refused|dns error/i;
const ISO_DATE = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
// Letters only Vietnamese uses (English text with a city or place name aside).
const VIETNAMESE = /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i;

async function checkScreen(page, lang, name) {
  await page.waitForTimeout(150);
  const text = await page.locator('body').innerText();
  assert.doesNotMatch(text, ISO_DATE, `${lang}/${name}: a raw ISO date`);
  if (lang === 'vi') assert.doesNotMatch(text, DEVELOPER_WORDS, `${lang}/${name}: developer words`);
  // A ticket price is grouped (60.000 đ / 60,000 VND), never read as 60 đ.
  for (const m of text.matchAll(/(?:Vé|Ticket): ([\d.,]+)/g)) {
    const digits = Number(m[1].replace(/[.,]/g, ''));
    assert.ok(digits >= 1000 && /[.,]/.test(m[1]), `${lang}/${name}: price ${m[0]}`);
  }
  const small = await smallTargets(page);
  assert.deepEqual(small, [], `${lang}/${name}: tap targets under 44×44 px`);
  await shot(page, `walk-${lang}-${name}`);
}

async function englishOnly(page, testid, what) {
  const text = await page.locator(`[data-testid="${testid}"]`).innerText();
  assert.doesNotMatch(text, VIETNAMESE, `${what} in English mode: ${text}`);
}

for (const lang of ['vi', 'en']) {
  test(`every screen in ${lang === 'vi' ? 'Vietnamese' : 'English'}`, async () => {
    const { app, page } = s;
    await page.goto(app.url);
    await byTest(page, 'app').waitFor();
    await byTest(page, 'open-settings').click();
    await byTest(page, `lang-${lang}`).click();
    await page.waitForFunction((l) => document.querySelector('[data-testid="app"]')?.getAttribute('lang') === l, lang);
    await switchCity(page, 'da-nang');
    await checkScreen(page, lang, 'settings');

    await byTest(page, 'tab-home').click();
    await byTest(page, 'home-city').waitFor();
    await byTest(page, 'home-hotline-1022').waitFor();
    await checkScreen(page, lang, 'home');

    // The city's public scorecard, opened from Home (issue 16).
    await byTest(page, 'open-scorecard-title').click();
    await byTest(page, 'scorecard').waitFor({ timeout: 20000 });
    if (lang === 'en') await englishOnly(page, 'scorecard-worst', 'worst categories');
    await checkScreen(page, lang, 'scorecard');
    await byTest(page, 'tab-home').click();
    await byTest(page, 'home-city').waitFor();

    // Transport, from the Tra cứu hub (issue 14): next buses, routes, closures.
    await byTest(page, 'open-lookups-title').click();
    await byTest(page, 'open-lookups-transport').click();
    await byTest(page, 'transport-stops').waitFor();
    await checkScreen(page, lang, 'transport');
    await byTest(page, 'tab-home').click();
    await byTest(page, 'home-city').waitFor();

    // The city's demo alert shows as a banner; its page lists every alert in force.
    await byTest(page, 'alert-banner').waitFor({ timeout: 20000 });
    await byTest(page, 'alert-banner').locator('button').first().click();
    await byTest(page, 'alerts-open').click();
    await byTest(page, 'alerts-list').waitFor();
    assert.ok(await byTest(page, 'alert-item').count() >= 1);
    await checkScreen(page, lang, 'alerts');

    await byTest(page, 'tab-report').click();
    await byTest(page, 'categories').waitFor();
    if (lang === 'en') await englishOnly(page, 'categories', 'categories');
    await checkScreen(page, lang, 'report-categories');

    // The form, with the server's questions in the chosen language.
    await byTest(page, 'category-pothole').click();
    await byTest(page, 'attr-size').waitFor();
    if (lang === 'en') {
      await page.waitForFunction(() => /Size of the pothole/.test(document.querySelector('[data-testid="attr-size"]')?.innerText ?? ''));
      await englishOnly(page, 'attr-size', 'pothole question');
      await englishOnly(page, 'attr-traffic_blocked', 'pothole question');
    }
    // Sending with nothing filled in: the problem shows next to its field and gets the focus.
    await byTest(page, 'report-send').click();
    const fieldError = page.locator('.field-error').first();
    await fieldError.waitFor();
    const errorText = await fieldError.innerText();
    if (lang === 'vi') assert.match(errorText, /Hãy/, errorText);
    else assert.doesNotMatch(errorText, VIETNAMESE, errorText);
    await page.waitForFunction(() => {
      const box = document.querySelector('.field-error')?.closest('[data-field]');
      return !!box && box.contains(document.activeElement);
    }, null, { timeout: 3000 }).catch(() => assert.fail('focus moves to the field with the problem'));
    await checkScreen(page, lang, 'report-form-error');

    // A paste longer than the limit is kept up to it and what was cut is shown.
    await byTest(page, 'report-description').fill('a'.repeat(4000) + ' phần thừa');
    await byTest(page, 'description-cut').waitFor();
    assert.equal((await byTest(page, 'report-description').inputValue()).length, 4000);

    await byTest(page, 'report-mine').click();
    await checkScreen(page, lang, 'report-mine');

    await byTest(page, 'tab-dossier').click();
    await checkScreen(page, lang, 'dossier');

    await byTest(page, 'tab-tourism').click();
    await checkScreen(page, lang, 'tourism');

    await byTest(page, 'sos-button').click();
    await byTest(page, 'hotlines').waitFor();
    await checkScreen(page, lang, 'sos');

    // Tra cứu (issue 14): the hub, health and planning.
    await byTest(page, 'tab-home').click();
    await byTest(page, 'open-lookups-title').click();
    await byTest(page, 'lookups').waitFor();
    await checkScreen(page, lang, 'lookups');
    await byTest(page, 'open-lookups-health').click();
    await byTest(page, 'health-list').waitFor();
    if (lang === 'en') {
      await englishOnly(page, 'health-kinds', 'health kinds');
      await englishOnly(page, 'health-origin', 'health origin');
    }
    await checkScreen(page, lang, 'health');
    await byTest(page, 'back').click();
    await byTest(page, 'open-lookups-planning').click();
    await byTest(page, 'zone-map').waitFor();
    const zone = page.locator('[data-zone="DN-TM1"]');
    const b = await zone.boundingBox();
    await page.mouse.click(b.x + b.width / 2, b.y + b.height / 2);
    await byTest(page, 'zone-card').waitFor();
    // The decision's number (359/QĐ-TTg) is an official identifier: only the land use must be English.
    if (lang === 'en') await englishOnly(page, 'zone-use', 'zone land use');
    await checkScreen(page, lang, 'planning');
  });
}
