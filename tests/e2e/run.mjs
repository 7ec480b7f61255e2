// Kith's browser tests. Starts the real binary on a fresh embedded database with the demo
// data, then walks the main journeys in Debian's Chromium (playwright-core, no browser
// download) as a person would, running axe-core (WCAG 2.0–2.2 A and AA rules) on every page
// it sees. Also: keyboard-only use of the search form, the skip link, signing in and sending
// an enquiry, and no sideways scrolling at 320 px.
// Screenshots of every step go to the data directory (printed at the end) for CI artefacts.
//
//   node tests/e2e/run.mjs            (after `cargo build`; KITH_BIN to use another binary)

import { spawn, execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const bin = process.env.KITH_BIN || join(process.env.CARGO_TARGET_DIR || join(root, 'target'), 'debug', 'kith');
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const PASSWORD = 'kith-demo-password';
// Every demo staff account's authenticator secret (README, "Demo sign-ins").
const DEMO_TOTP_SECRET = 'KITHDEMOKITHDEMOKITHDEMOKITHDEMO';
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

const dataDir = process.env.KITH_E2E_DIR || mkdtempSync(join(tmpdir(), 'kith-e2e-'));
mkdirSync(dataDir, { recursive: true });
const shots = join(dataDir, 'e2e-screenshots');
mkdirSync(shots, { recursive: true });

const results = { pages: new Set(), violations: [], failures: [], shots: 0 };

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function startKith() {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(bin, ['serve'], {
    env: { ...process.env, KITH_DATA_DIR: dataDir, KITH_BIND: `127.0.0.1:${port}`, KITH_DEMO: 'true', RUST_LOG: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let i = 0; i < 600; i++) {
    try {
      // Ready when the demo listings are searchable (the index builds in the background).
      const res = await fetch(`${base}/api/v1/search?q=help`);
      if (res.ok && (await res.json()).total > 0) return { child, base };
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('Kith did not start within a minute');
}

function check(condition, message) {
  if (!condition) {
    results.failures.push(message);
    console.error(`  FAILED: ${message}`);
  }
}

/** Runs axe on the page, records violations, and saves a screenshot. */
async function audit(page, name) {
  await page.waitForLoadState('load');
  const url = new URL(page.url());
  results.pages.add(`${url.pathname}${url.search}`);
  await page.addScriptTag({ content: axeSource });
  const found = await page.evaluate(async (tags) => {
    // WCAG 2.0–2.2 A and AA, and "region": everything on the page inside a landmark.
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, rules: { region: { enabled: true } } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  }, AXE_TAGS);
  // On a phone, no page may scroll sideways.
  const width = page.viewportSize()?.width ?? 1024;
  if (width <= 390) {
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    check(wide <= 0, `${url.pathname} scrolls sideways by ${wide}px at ${width}px`);
  }
  for (const v of found) {
    results.violations.push({ page: url.pathname, ...v });
    console.error(`  axe ${v.id} (${v.impact}) on ${url.pathname}: ${v.help} — ${v.nodes.join(', ')}`);
  }
  results.shots += 1;
  const file = `${String(results.shots).padStart(3, '0')}-${name.replace(/[^a-z0-9]+/gi, '-')}.png`;
  await page.screenshot({ path: join(shots, file), fullPage: true });
}

async function go(page, path, name) {
  const res = await page.goto(path);
  check(res && res.status() < 400, `${path} answered ${res && res.status()}`);
  await audit(page, name || path);
  return res;
}

/** RFC 6238: the 6-digit code an authenticator app shows for a base32 secret at a step. */
function totp(secret, step) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(counter).digest();
  const at = mac[mac.length - 1] & 0xf;
  const n = (mac.readUInt32BE(at) & 0x7fffffff) % 1_000_000;
  return String(n).padStart(6, '0');
}

// Kith accepts each 30-second step once per account: remember which ones were used.
const usedSteps = new Map();
async function freshCode(email) {
  for (;;) {
    const now = Date.now() / 1000;
    const current = Math.floor(now / 30);
    const used = usedSteps.get(email) ?? -1;
    const step = [current - 1, current, current + 1].find((s) => s > used && (s + 2) * 30 > now + 1);
    if (step !== undefined) {
      usedSteps.set(email, step);
      return totp(DEMO_TOTP_SECRET, step);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function signIn(context, email) {
  const page = await context.newPage();
  await page.goto('/sign-in');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForLoadState('load');
  if (new URL(page.url()).pathname === '/sign-in/code') {
    // Staff give a code from their authenticator app, typed as a person would.
    await audit(page, 'sign-in-code');
    await page.getByLabel('Code', { exact: true }).fill(await freshCode(email));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForLoadState('load');
  }
  check(!new URL(page.url()).pathname.startsWith('/sign-in'), `${email} could not sign in`);
  return page;
}

async function newContext(browser, base, width = 1024) {
  // The page's Content-Security-Policy forbids inline scripts, so axe's injection bypasses it.
  // A phone is 390 × 844 (an iPhone 12 to 15); wider screens get 900 px of height.
  const height = width <= 390 ? 844 : 900;
  return browser.newContext({ baseURL: base, viewport: { width, height }, bypassCSP: true });
}

/** How far the page scrolls sideways (0 when it fits). */
async function sideways(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** Whether the first element matching `selector` starts within the first screen. */
async function onFirstScreen(page, selector) {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    if (!el) return { found: false };
    const r = el.getBoundingClientRect();
    return { found: true, top: Math.round(r.top), bottom: Math.round(r.bottom), screen: window.innerHeight, visible: r.width > 0 && r.height > 0 };
  }, selector);
}

/** Every page without a path parameter that this role may open. */
function pagesFor(routes, role) {
  return routes
    .filter((r) => r.method === 'GET' && !r.path.includes('{') && !/\.(csv|json|pdf)$/.test(r.path) && !r.path.endsWith('/download'))
    .filter((r) => !['/health', '/ready', '/sign-out', '/api/docs'].includes(r.path) && !r.path.startsWith('/api/') && !r.path.startsWith('/openreferral'))
    .filter((r) => r.access === 'public' || (role && (r.access === 'signed_in' || r.roles.includes(role))))
    .map((r) => r.path);
}

async function sweep(browser, base, routes) {
  console.log('== every page each role can open');
  const people = [
    [null, null],
    ['budget_holder', 'budget.holder@kith.example'],
    ['broker', 'broker@kith.example'],
    ['provider', 'provider@kith.example'],
    ['quality_checker', 'checker@kith.example'],
    ['commissioner', 'commissioner@kith.example'],
    ['admin', 'admin@kith.example'],
  ];
  for (const [role, email] of people) {
    const context = await newContext(browser, base);
    const page = email ? await signIn(context, email) : await context.newPage();
    for (const path of pagesFor(routes, role)) {
      if (role && (path === '/sign-in' || path === '/register')) continue;
      await go(page, path, `${role || 'visitor'}${path}`);
    }
    await context.close();
  }
}

async function personalDataJourney(browser, base) {
  console.log('== a budget holder downloads their data and asks for erasure; an admin reads what would go and declines');
  const context = await newContext(browser, base, 390);
  const page = await signIn(context, 'budget.holder@kith.example');
  await go(page, '/account', 'account-with-personal-data');
  await page.getByRole('link', { name: 'Download your data or ask for it to be erased' }).click();
  await audit(page, 'personal-data-own');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download your data' }).click(),
  ]);
  check(/^kith-personal-data-person-\d+-.*\.zip$/.test(download.suggestedFilename()), `the download is a ZIP (${download.suggestedFilename()})`);
  await page.getByLabel(/Anything the council should know/).fill('I am moving away and no longer need support.');
  await page.getByRole('button', { name: 'Ask for my data to be erased' }).click();
  await audit(page, 'personal-data-requested');
  check((await page.content()).includes('You asked on'), 'the request is acknowledged');
  await context.close();

  for (const width of [390, 1280]) {
    const admin = await newContext(browser, base, width);
    const adminPage = await signIn(admin, 'admin@kith.example');
    await go(adminPage, '/admin/erasure-requests', `erasure-requests-${width}`);
    if (width === 1280) {
      await go(adminPage, '/admin/retention', 'retention-1280');
      await go(adminPage, '/admin/processing', 'processing-1280');
      await admin.close();
      break;
    }
    await adminPage.getByRole('link', { name: /Erase or decline/ }).first().click();
    await audit(adminPage, `personal-data-admin-${width}`);
    const text = await adminPage.content();
    check(text.includes('What will be kept, and why') && text.includes('I am moving away'), 'the admin sees what is kept and the note');
    await adminPage.getByRole('button', { name: 'Erase their personal data' }).click();
    await audit(adminPage, 'erase-without-confirming');
    check((await adminPage.content()).includes('Tick the box'), 'erasure asks for the tick first');
    await adminPage.getByLabel('Why the council must keep their data').fill('You have an open safeguarding case; we must keep your records until it closes.');
    await adminPage.getByRole('button', { name: 'Decline the request' }).click();
    await audit(adminPage, 'erasure-declined');
    check((await adminPage.content()).includes('No open requests'), 'the declined request leaves the queue');
    await admin.close();
  }
}

async function twoFactorJourney(browser, base) {
  console.log('== a budget holder turns on two-factor sign-in, saves recovery codes, turns it off');
  const context = await newContext(browser, base, 390);
  const page = await signIn(context, 'budget.holder@kith.example');
  await go(page, '/account/two-factor', 'two-factor-off');
  await page.getByRole('link', { name: 'Set up two-factor sign-in' }).click();
  await page.waitForLoadState('load');
  const key = (await page.locator('.kith-key').textContent()).replace(/\s+/g, '');
  await page.getByLabel('Code', { exact: true }).fill('123');
  await page.getByRole('button', { name: 'Continue' }).click();
  await audit(page, 'two-factor-set-up-error');
  check((await page.content()).includes('The code is not right'), 'a wrong code is explained');
  await page.getByLabel('Code', { exact: true }).fill(totp(key, Math.floor(Date.now() / 30000)));
  await page.getByRole('button', { name: 'Continue' }).click();
  await audit(page, 'recovery-codes');
  check((await page.locator('.kith-recovery-codes li').count()) === 10, 'ten recovery codes are shown');
  await page.getByRole('link', { name: /I have saved my codes/ }).click();
  await audit(page, 'two-factor-on');
  await page.getByRole('button', { name: 'Turn off two-factor sign-in' }).click();
  await page.waitForLoadState('load');
  check((await page.content()).includes('Two-factor sign-in is off'), 'turned off again');
  await context.close();
}

async function searchJourney(browser, base) {
  console.log('== a visitor searches from the home page, filters, opens a listing and shortlists it');
  const context = await newContext(browser, base);
  const page = await context.newPage();
  await go(page, '/', 'home');
  await page.getByLabel('What are you looking for?').fill('help at home');
  await page.getByLabel('Postcode (optional)').fill('M33 7AB');
  await page.getByRole('button', { name: 'Search' }).first().click();
  await audit(page, 'search-results');
  check(page.url().includes('near=M33'), 'the postcode is in the search address');
  const first = page.locator('main a[href^="/listings/"]').first();
  check((await first.count()) === 1, 'the search found listings');
  // Narrow by the first type of support offered, then apply.
  await page.locator('input[name="category"]').first().check();
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await audit(page, 'search-filtered');
  check(page.url().includes('category='), 'the filter is applied');
  await page.locator('main a[href^="/listings/"]').first().click();
  await audit(page, 'listing');
  const title = (await page.locator('h1').first().textContent()).trim();
  await page.getByRole('button', { name: 'Save to shortlist' }).click();
  await page.waitForLoadState('load');
  await go(page, '/shortlist', 'shortlist');
  check((await page.content()).includes(title), `the shortlist shows “${title}”`);
  await context.close();
}

async function phoneJourney(browser, base) {
  console.log('== on a 390 px phone: results first, contact first, a home page per role, saved searches, reports');
  const context = await newContext(browser, base, 390);
  const page = await signIn(context, 'budget.holder@kith.example');
  check(new URL(page.url()).pathname === '/', `signing in lands on the home page (now at ${page.url()})`);
  await audit(page, 'phone-home-budget-holder');
  await go(page, '/search?q=help&near=M33+7AB', 'phone-search');
  const first = await onFirstScreen(page, '.kith-result h2');
  check(first.found && first.bottom <= first.screen, `the first result's heading is on the first screen at 390 px (top ${first.top} of ${first.screen})`);
  check(await sideways(page) <= 0, 'the results do not scroll sideways');
  // The filters open from one line, without leaving the page.
  await page.locator('summary', { hasText: /^Filters/ }).click();
  await page.locator('input[name="accepting"]').check();
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await audit(page, 'phone-search-filtered');
  check((await page.content()).includes('Taking new clients<span class="govuk-visually-hidden">: remove this filter'), 'the chosen filter is a chip');
  // Save the search for emails.
  await page.locator('summary', { hasText: 'Save this search' }).click();
  await page.getByLabel('Name this search').fill('Help near home');
  await page.getByLabel('Email me once a day when there are new services').check();
  await page.getByRole('button', { name: 'Save search' }).click();
  await audit(page, 'phone-saved-searches');
  check((await page.content()).includes('Help near home'), 'the saved search is listed');

  await page.goto('/search?q=help&near=M33+7AB');
  await page.locator('.kith-result h2 a').first().click();
  await audit(page, 'phone-listing');
  const phone = await onFirstScreen(page, 'main a[href^="tel:"]');
  check(phone.found && phone.bottom <= phone.screen, `the phone number is on the first screen of a listing at 390 px (top ${phone.top})`);
  check(await sideways(page) <= 0, 'the listing does not scroll sideways');
  const listing = new URL(page.url()).pathname;

  // A second enquiry to a service already asked: announced before the form.
  await go(page, '/enquiries', 'phone-enquiries');
  const open = page.locator('main a[href^="/enquiries/"]').first();
  if (await open.count()) {
    await open.click();
    await page.waitForLoadState('load');
    const service = await page.locator('main a[href^="/listings/"]').first().getAttribute('href');
    await go(page, `${service}/enquire`, 'phone-enquiry-already-open');
    const text = await page.content();
    check(text.includes('You already have an open enquiry') || text.includes('Send an enquiry'), 'the enquiry form opens');
  }
  for (const path of ['/shortlist', '/plan', '/enquiries', '/saved-searches', '/account']) {
    await go(page, path, `phone${path}`);
    check(await sideways(page) <= 0, `${path} does not scroll sideways at 390 px`);
  }
  await context.close();

  // Anyone reports a problem with a listing; a mistake first, then sent.
  const visitor = await newContext(browser, base, 390);
  const v = await visitor.newPage();
  await go(v, `${listing}/report`, 'phone-report-form');
  await v.getByRole('button', { name: 'Send report' }).click();
  await audit(v, 'phone-report-errors');
  check((await v.content()).includes('Select what is wrong with the listing'), 'the report form names what is missing');
  await v.getByLabel('The phone number, email or website is wrong').check();
  await v.getByLabel('Tell us what is wrong').fill('The phone number rings out.');
  await v.getByRole('button', { name: 'Send report' }).click();
  await audit(v, 'phone-report-sent');
  check((await v.content()).includes('Your report has been sent'), 'the report is acknowledged');
  await visitor.close();

  // Each role's home page, on a phone and at desktop width.
  for (const width of [390, 1280]) {
    for (const email of ['broker@kith.example', 'provider@kith.example', 'checker@kith.example', 'commissioner@kith.example', 'admin@kith.example']) {
      const c = await newContext(browser, base, width);
      const p = await signIn(c, email);
      check(new URL(p.url()).pathname === '/', `${email} lands on the home page`);
      await audit(p, `home-${email.split('@')[0]}-${width}`);
      check(await sideways(p) <= 0, `${email}'s home page does not scroll sideways at ${width}`);
      if (email.startsWith('admin') && width === 390) {
        await go(p, '/admin/reports', 'phone-admin-reports');
        await p.getByRole('button', { name: /^Resolve/ }).first().click();
        await audit(p, 'phone-admin-report-error');
        check((await p.content()).includes('Enter what was done about the report'), 'resolving asks what was done');
        await p.getByLabel('What was done').first().fill('Provider updated the number.');
        await p.getByRole('button', { name: /^Resolve/ }).first().click();
        await audit(p, 'phone-admin-report-resolved');
      }
      await c.close();
    }
  }
}

async function registerJourney(browser, base) {
  console.log('== someone signs up, confirms their email, and enquires');
  const context = await newContext(browser, base);
  const page = await context.newPage();
  await go(page, '/register', 'register');
  const email = `asha.${Date.now()}@example.org`;
  await page.getByLabel('Your name').fill('Asha Patel');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('I have a personal budget, or care for someone who does').check();
  await page.getByLabel('Create a password').fill('a long e2e password');
  await page.getByLabel('Confirm your password').fill('a long e2e password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await audit(page, 'registered');
  // The confirmation email is written to the data directory in development.
  let link = null;
  for (let i = 0; i < 50 && !link; i++) {
    for (const f of readdirSync(join(dataDir, 'mail'))) {
      const mail = readFileSync(join(dataDir, 'mail', f), 'utf8').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
      if (mail.includes(email)) link = (mail.match(/https?:\/\/\S*\/verify[^\s"<>]*/) || [])[0];
    }
    if (!link) await new Promise((r) => setTimeout(r, 100));
  }
  check(link, 'the confirmation email arrived with a link');
  if (link) {
    await page.goto(new URL(link).pathname + new URL(link).search);
    await audit(page, 'email-confirmed');
  }
  await context.close();

  const holder = await newContext(browser, base);
  const p = await signIn(holder, 'budget.holder@kith.example');
  await p.goto('/search?q=help');
  await p.locator('main a[href^="/listings/"]').first().click();
  await p.locator('a[href$="/enquire"]').first().click();
  await audit(p, 'enquiry-form');
  await p.getByLabel('What support are you looking for?').fill('Help with shopping on Tuesdays, please.');
  await p.getByLabel('When would you like it?').fill('From next month');
  await p.getByLabel('What name should the provider use?').fill('Sam');
  await p.getByLabel('Reply by message in Kith').check();
  await p.getByRole('button', { name: 'Send enquiry' }).click();
  await audit(p, 'enquiry-sent');
  check(/\/enquiries\/\d+/.test(p.url()), `the enquiry was sent (now at ${p.url()})`);
  await holder.close();
}

/** Fills every empty field of the page's main form with something a person might write. */
async function fillForm(page) {
  const today = new Date();
  const inputs = page.locator('main form input:not([type=hidden]):not([type=radio]):not([type=checkbox]):not([type=file]), main form textarea');
  for (let i = 0; i < (await inputs.count()); i++) {
    const input = inputs.nth(i);
    if (!(await input.isVisible()) || (await input.inputValue()) !== '') continue;
    const name = (await input.getAttribute('name')) || '';
    let value = 'Plain words about this, written for the test.';
    if (name.endsWith('-day')) value = String(today.getDate());
    else if (name.endsWith('-month')) value = String(today.getMonth() + 1);
    else if (name.endsWith('-year')) value = String(today.getFullYear());
    else if (/^(amount_\d+|people|home_radius|payment)$/.test(name)) value = name === 'amount_1' || name === 'people' ? '20' : '';
    else if (/^item_[2-9]/.test(name) || name === 'match_funding' || name === 'actions') value = '';
    else if (/postcode/.test(name)) value = 'M16 0RA';
    if (value) await input.fill(value);
  }
  // The first choice of every question not yet answered.
  const groups = new Set(await page.locator('main form input[type=radio]').evaluateAll((els) => els.map((e) => e.name)));
  for (const name of groups) {
    if ((await page.locator(`main form input[type=radio][name="${name}"]:checked`).count()) === 0) {
      await page.locator(`main form input[type=radio][name="${name}"]`).first().check();
    }
  }
}

async function providerJourney(browser, base) {
  console.log('== a provider writes and sends a listing, the council approves it, and it is found');
  const context = await newContext(browser, base);
  const page = await signIn(context, 'provider@kith.example');
  await go(page, '/provider', 'provider-home');
  await page.locator('a[href^="/provider/organisations/"]:not([href$="/new"])').first().click();
  await audit(page, 'provider-organisation');
  await page.getByRole('link', { name: 'Your listings' }).click();
  await audit(page, 'provider-listings');
  await page.goto(page.url() + '/new');
  await audit(page, 'listing-form');
  const title = `Garden help in Sale ${Date.now() % 100000}`;
  // Sending it empty first shows the error summary, which must be accessible too.
  await page.getByRole('button', { name: 'Save' }).click();
  await audit(page, 'listing-form-errors');
  check((await page.locator('.govuk-error-summary').count()) === 1, 'an empty listing shows an error summary');
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByLabel('Summary', { exact: true }).fill('We tidy gardens and cut grass for older people.');
  await page.getByLabel('Description', { exact: true }).fill('A small local team with our own tools.');
  await page.getByLabel('Domestic help', { exact: true }).check();
  await page.getByLabel('Older people', { exact: true }).check();
  await page.getByLabel("In people's homes", { exact: true }).check();
  await page.getByLabel('If in people\'s homes: the postcode you travel from', { exact: true }).fill('M33 7');
  await page.getByLabel('How many miles will you travel?', { exact: true }).fill('5');
  await page.getByLabel('Yes', { exact: true }).first().check();
  await page.getByLabel('Price in pounds', { exact: true }).fill('16');
  await page.getByLabel('per hour', { exact: true }).check();
  await page.getByLabel('Tuesday', { exact: true }).check();
  await page.locator('input[name="accepting"][value="yes"]').check();
  await page.getByRole('button', { name: 'Save' }).click();
  await audit(page, 'listing-saved');
  check(/\/provider\/listings\/\d+/.test(page.url()), `the listing was saved (now at ${page.url()})`);
  const id = page.url().match(/listings\/(\d+)/)?.[1];
  await page.getByRole('button', { name: 'Send to the council for approval' }).click();
  await audit(page, 'listing-sent');
  await context.close();

  const admin = await newContext(browser, base);
  const a = await signIn(admin, 'admin@kith.example');
  await go(a, '/admin/listings', 'admin-queue');
  await go(a, `/admin/listings/${id}`, 'admin-review');
  for (const box of await a.locator('input[name="checklist"]').all()) await box.check();
  await a.getByLabel('Approve and publish', { exact: true }).check();
  await a.getByRole('button', { name: 'Record decision' }).click();
  await audit(a, 'admin-approved');
  await admin.close();

  const visitor = await newContext(browser, base);
  const v = await visitor.newPage();
  let found = false;
  for (let i = 0; i < 50 && !found; i++) {
    await v.goto(`/search?q=${encodeURIComponent('garden help')}`);
    found = (await v.content()).includes(title);
    if (!found) await new Promise((r) => setTimeout(r, 200));
  }
  check(found, 'the approved listing is found by search');
  await audit(v, 'search-finds-new-listing');
  await visitor.close();
}

async function checkerJourney(browser, base) {
  console.log('== a quality checker accepts a check and records the inspection');
  const context = await newContext(browser, base);
  const page = await signIn(context, 'checker@kith.example');
  await go(page, '/checker', 'checker-home');
  const links = page.locator('main a[href^="/checker/assignments/"]');
  check((await links.count()) > 0, 'the demo checker has checks assigned');
  if ((await links.count()) === 0) return context.close();
  await links.first().click();
  await audit(page, 'assignment');
  const accept = page.getByRole('button', { name: 'Accept this check' });
  if (await accept.count()) {
    await accept.click();
    await audit(page, 'assignment-accepted');
  }
  await page.getByRole('button', { name: 'Record the inspection' }).click();
  for (let step = 0; step < 12 && !page.url().endsWith('/check'); step++) {
    await audit(page, `inspection-step-${step}`);
    const save = page.getByRole('button', { name: 'Save and continue' });
    if (await save.count()) {
      await fillForm(page);
      await save.click();
    } else {
      await page.getByRole('link', { name: 'Continue' }).click();
    }
    await page.waitForLoadState('load');
  }
  await audit(page, 'inspection-check-answers');
  await page.getByRole('button', { name: 'Send to the council' }).click();
  await audit(page, 'inspection-sent');
  check((await page.content()).includes('Your inspection has been sent to the council'), 'the inspection was sent');
  await context.close();
}

async function placementJourney(browser, base) {
  console.log('== a broker finds a nursing home with a place near a postcode, asks two homes for a client, one offers, the broker confirms');
  const brokerContext = await newContext(browser, base);
  const broker = await signIn(brokerContext, 'broker@kith.example');
  await go(broker, '/broker/clients', 'broker-clients');
  await broker.getByRole('link', { name: 'Mrs Evans' }).click();
  await audit(broker, 'broker-client');
  await broker.getByRole('button', { name: 'Act for Mrs Evans' }).click();
  await broker.waitForLoadState('load');
  await go(broker, '/search?near=M33+5AB&nursing=yes&places=yes', 'search-nursing-places');
  const found = await broker.content();
  check(found.includes('Brook House Nursing Home') && found.includes('Willow Bank Care Home'), 'the nursing homes with places are found near M33 5AB');
  check(found.includes('CQC rating:'), 'result cards show the CQC rating');
  await broker.getByRole('link', { name: 'Brook House Nursing Home' }).first().click();
  await audit(broker, 'care-home-listing');
  const listing = await broker.content();
  check(listing.includes('Care Quality Commission (CQC)') && listing.includes('Places available'), 'the home shows its CQC rating and places');
  await broker.getByRole('button', { name: 'Request a placement' }).click();
  await audit(broker, 'placement-request-form');
  // Sent empty first: the errors are listed and linked, as GOV.UK forms do.
  await broker.getByRole('button', { name: 'Send the request' }).click();
  await audit(broker, 'placement-request-errors');
  check((await broker.content()).includes('Select the kind of place the person needs'), 'an empty request says what is missing');
  await broker.getByRole('radio', { name: 'Nursing care', exact: true }).check();
  await broker.getByLabel('What the person needs').fill('Nursing care after a stroke; needs two people to help her move. Enjoys music.');
  const start = new Date(Date.now() + 14 * 86400000);
  await broker.getByRole('textbox', { name: 'Day', exact: true }).fill(String(start.getDate()));
  await broker.getByRole('textbox', { name: 'Month', exact: true }).fill(String(start.getMonth() + 1));
  await broker.getByRole('textbox', { name: 'Year', exact: true }).fill(String(start.getFullYear()));
  await broker.getByLabel('Council funded at the usual rate').check();
  await broker.getByLabel('Brook House Nursing Home').check();
  await broker.getByLabel('Willow Bank Care Home').check();
  await broker.getByRole('button', { name: 'Send the request' }).click();
  await audit(broker, 'placement-request-sent');
  const requestUrl = broker.url();
  check(new URL(requestUrl).pathname.startsWith('/placements/'), `the request was sent (now at ${requestUrl})`);

  // Brook House agrees to assess (and then sees the name), and offers a place.
  const homeContext = await newContext(browser, base, 390);
  const home = await signIn(homeContext, 'nursing.home@kith.example');
  await go(home, '/provider/placements', 'home-placements');
  await home.locator('main a[href^="/provider/placements/"]').first().click();
  await audit(home, 'home-placement-request');
  check(!(await home.content()).includes('Mrs Evans'), 'the home does not see the name before it agrees to assess');
  await home.getByRole('button', { name: 'Agree to assess' }).click();
  await audit(home, 'home-placement-assessing');
  check((await home.content()).includes('Mrs Evans'), 'the home sees the name once it agrees to assess');
  await home.getByLabel('What you offer').fill('A ground floor room with its own shower, £980 a week at the council rate, from the date asked.');
  await home.getByRole('button', { name: 'Offer the place' }).click();
  await audit(home, 'home-placement-offered');
  await homeContext.close();

  // Willow Bank declines.
  const otherContext = await newContext(browser, base);
  const other = await signIn(otherContext, 'care.home@kith.example');
  await go(other, '/provider/placements', 'other-home-placements');
  await other.locator('main a[href^="/provider/placements/"]').first().click();
  await other.getByLabel('Why you cannot offer a place').fill('Our nursing place is held for a hospital discharge this week.');
  await other.getByRole('button', { name: 'Decline the request' }).click();
  await audit(other, 'other-home-declined');
  await otherContext.close();

  // The broker confirms Brook House's offer.
  await go(broker, new URL(requestUrl).pathname, 'placement-request-answers');
  const answers = await broker.content();
  check(answers.includes('£980 a week') && answers.includes('held for a hospital discharge'), 'the broker sees both answers');
  await broker.getByRole('button', { name: /Confirm this placement/ }).click();
  await audit(broker, 'placement-confirmed');
  check((await broker.content()).includes('Placement confirmed'), 'the placement is confirmed');
  await go(broker, '/places', 'places-free');
  await brokerContext.close();
}

async function fundJourney(browser, base) {
  console.log('== a provider applies to the innovation fund');
  const context = await newContext(browser, base);
  const page = await signIn(context, 'provider@kith.example');
  await go(page, '/funding', 'funding');
  await page.locator('main a[href^="/funding/"]').first().click();
  await audit(page, 'funding-round');
  await page.getByRole('button', { name: 'Start an application' }).click();
  await audit(page, 'application-form');
  await fillForm(page);
  await page.getByRole('button', { name: 'Send application' }).click();
  await audit(page, 'application-sent');
  check((await page.content()).includes('Application sent'), `the application was sent (now at ${page.url()})`);
  await go(page, '/provider/funding', 'my-applications');
  await context.close();
}

/** Where focus is, and whether it can be seen. */
async function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return { id: el.id, name: el.getAttribute('name'), type: el.getAttribute('type'), tag: el.tagName,
      text: el.textContent.trim().slice(0, 40), href: el.getAttribute('href'),
      visible: style.outlineStyle !== 'none' || style.boxShadow !== 'none' || style.backgroundColor !== 'rgba(0, 0, 0, 0)' };
  });
}

/** Presses Tab until `wanted(focus)` holds (focus visible at every stop, `visit` awaited at
 * each); false if never. */
async function tabTo(page, wanted, what, visit = async () => {}) {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (f.tag !== 'BODY') check(f.visible, `focus is visible on ${f.tag} ${f.name || f.id || f.text} (${what})`);
    await visit(f);
    if (wanted(f)) return true;
  }
  check(false, `Tab never reached ${what}`);
  return false;
}

async function keyboardJourney(browser, base) {
  console.log('== by keyboard alone: skip link, sign in from a listing, send an enquiry');
  const context = await newContext(browser, base);
  const page = await context.newPage();
  await page.goto('/');
  await page.keyboard.press('Tab');
  const skip = await focused(page);
  check(skip.text === 'Skip to main content' && skip.visible, `the first Tab reaches a visible skip link (got ${skip.text})`);
  await page.keyboard.press('Enter');
  check(page.url().endsWith('#main-content'), 'the skip link moves to the main content');

  await page.goto('/search?q=lunch');
  const href = await page.locator('main a[href^="/listings/"]').nth(2).getAttribute('href');
  await page.goto(href);
  if (await tabTo(page, (f) => f.text === 'Sign in to send an enquiry', 'the sign-in link on a listing')) {
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === '/sign-in');
  }
  await audit(page, 'keyboard-sign-in');
  if (await tabTo(page, (f) => f.name === 'email', 'the email field')) await page.keyboard.type('budget.holder@kith.example');
  if (await tabTo(page, (f) => f.name === 'password', 'the password field')) await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  const back = await page.waitForURL((u) => u.pathname.endsWith('/enquire'), { timeout: 10000 }).then(() => true, () => false);
  check(back, `signing in returns to the enquiry form (now at ${page.url()})`);
  await audit(page, 'keyboard-enquiry-form');

  const answers = {
    support_wanted: 'A hot lunch once a week, and company.',
    when_wanted: 'Wednesdays from next month.',
    contact_name: 'Mrs Rao',
  };
  // Each field filled as Tab reaches it; the first "How should they reply?" radio chosen
  // with Space.
  const done = new Set();
  await tabTo(page, (f) => f.tag === 'BUTTON' && f.text === 'Send enquiry', 'the Send enquiry button', async (f) => {
    if (done.has(f.name)) return;
    if (f.name in answers) await page.keyboard.type(answers[f.name]);
    if (f.name === 'reply_by') await page.keyboard.press('Space');
    done.add(f.name);
  });
  check(['reply_by', ...Object.keys(answers)].every((n) => done.has(n)), `Tab reached every field (${[...done].join(', ')})`);
  await page.keyboard.press('Enter');
  const sent = await page.waitForURL((u) => /^\/enquiries\/\d+$/.test(u.pathname), { timeout: 10000 }).then(() => true, () => false);
  check(sent, `Enter on Send enquiry sends it (now at ${page.url()})`);
  check(await page.getByText('A hot lunch once a week, and company.').count() > 0, 'the enquiry shows what was typed');
  await audit(page, 'keyboard-enquiry-sent');
  await context.close();
}

async function keyboardAndPhone(browser, base) {
  console.log('== the search form by keyboard alone, and pages at 320 px');
  const context = await newContext(browser, base);
  const page = await context.newPage();
  await page.goto('/search');
  const reached = new Set();
  await tabTo(page, (f) => f.tag === 'BUTTON' && f.text === 'Search', 'the Search button', async (f) => {
    reached.add(f.name || f.id || f.text);
  });
  check(reached.has('q'), 'Tab reaches the search box');
  await page.focus('#q');
  await page.keyboard.type('lunch');
  await page.keyboard.press('Enter');
  const searched = await page.waitForURL(/q=lunch/, { timeout: 10000 }).then(() => true, () => false);
  check(searched, `Enter in the search box searches (now at ${page.url()})`);
  await context.close();

  const phone = await newContext(browser, base, 320);
  const signedIn = await signIn(phone, 'admin@kith.example');
  for (const path of ['/', '/search?q=help&near=M33+7AB', '/shortlist', '/funding', '/market-position-statements', '/admin', '/admin/listings', '/admin/import', '/admin/reports', '/admin/audit', '/commissioner/market', '/saved-searches', '/account']) {
    await signedIn.goto(path);
    const wide = await signedIn.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    check(wide <= 0, `${path} scrolls sideways by ${wide}px at 320px`);
    await audit(signedIn, `320-${path}`);
  }
  await phone.close();
}

async function main() {
  const routes = JSON.parse(execFileSync(bin, ['routes'], { env: { ...process.env, KITH_DATA_DIR: dataDir } }).toString());
  const { child, base } = await startKith();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    await searchJourney(browser, base);
    await registerJourney(browser, base);
    await providerJourney(browser, base);
    await checkerJourney(browser, base);
    await fundJourney(browser, base);
    await placementJourney(browser, base);
    await keyboardJourney(browser, base);
    await keyboardAndPhone(browser, base);
    await phoneJourney(browser, base);
    await sweep(browser, base, routes);
    await personalDataJourney(browser, base);
    await twoFactorJourney(browser, base);
  } catch (err) {
    results.failures.push(`stopped: ${err.stack || err}`);
    console.error(err);
  } finally {
    await browser.close();
    child.kill('SIGTERM');
  }
  console.log(`\npages checked by axe: ${results.pages.size}; violations: ${results.violations.length}; failures: ${results.failures.length}`);
  console.log(`screenshots: ${shots}`);
  if (results.violations.length || results.failures.length) process.exit(1);
}

main();
