import { chromium } from 'playwright-core'
import { createHmac } from 'node:crypto'
const base = 'http://127.0.0.1:8088'
const SECRET = 'KITHDEMOKITHDEMOKITHDEMOKITHDEMO'
function totp(secret, step) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = ''
  for (const c of secret) bits += alphabet.indexOf(c).toString(2).padStart(5, '0')
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)))
  const counter = Buffer.alloc(8); counter.writeBigUInt64BE(BigInt(step))
  const mac = createHmac('sha1', key).update(counter).digest()
  const at = mac[mac.length - 1] & 0xf
  return String((mac.readUInt32BE(at) & 0x7fffffff) % 1_000_000).padStart(6, '0')
}
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] })
async function as(email, width) {
  const ctx = await b.newContext({ baseURL: base, viewport: { width, height: width <= 390 ? 844 : 900 } })
  const p = await ctx.newPage()
  if (email) {
    await p.goto('/sign-in')
    await p.getByLabel('Email address').fill(email)
    await p.getByLabel('Password').fill('kith-demo-password')
    await p.getByRole('button', { name: 'Sign in' }).click()
    await p.waitForLoadState('load')
    if (p.url().includes('/sign-in/code')) {
      await p.getByLabel('Code', { exact: true }).fill(totp(SECRET, Math.floor(Date.now() / 30000)))
      await p.getByRole('button', { name: 'Continue' }).click()
      await p.waitForLoadState('load')
    }
  }
  return { ctx, p }
}
const shot = async (p, name, width) => { await p.screenshot({ path: `/tmp/shots/${name}-${width}.png`, fullPage: true }); console.log(name, width, await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)) }
const which = process.argv[2]
for (const width of [390, 1280]) {
  if (which === 'holder') {
    const { ctx, p } = await as('budget.holder@kith.example', width)
    await shot(p, 'home-holder', width)
    await p.goto('/search?q=help&near=M33+7AB'); await shot(p, 'search', width)
    await p.goto('/saved-searches'); await shot(p, 'saved', width)
    await p.goto('/shortlist'); await shot(p, 'shortlist', width)
    await p.goto('/enquiries'); const e = await p.locator('main a[href^="/enquiries/"]').first().getAttribute('href')
    await p.goto(e); await shot(p, 'thread', width)
    const l = await p.locator('main a[href^="/listings/"]').first().getAttribute('href')
    await p.goto(l + '/enquire'); await shot(p, 'enquire-again', width)
    await p.goto(l); await shot(p, 'listing', width)
    await p.goto(l + '/report'); await shot(p, 'report', width)
    await ctx.close()
  }
  if (which === 'admin') {
    const { ctx, p } = await as('admin@kith.example', width)
    await p.goto('/admin/audit'); await shot(p, 'audit', width)
    await p.goto('/admin/reports'); await shot(p, 'reports', width)
    await ctx.close()
    await new Promise((r) => setTimeout(r, 31000))
  }
}
await b.close()
