import { chromium } from 'playwright-core'
import { createHmac } from 'node:crypto'
const base = 'http://127.0.0.1:8088'
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
const ctx = await b.newContext({ baseURL: base, viewport: { width: 390, height: 844 } })
const p = await ctx.newPage()
await p.goto('/sign-in')
await p.getByLabel('Email address').fill('commissioner@kith.example')
await p.getByLabel('Password').fill('kith-demo-password')
await p.getByRole('button', { name: 'Sign in' }).click()
await p.waitForLoadState('load')
await p.getByLabel('Code', { exact: true }).fill(totp('KITHDEMOKITHDEMOKITHDEMOKITHDEMO', Math.floor(Date.now() / 30000)))
await p.getByRole('button', { name: 'Continue' }).click()
await p.waitForLoadState('load')
await p.goto('/commissioner/market')
await p.locator('.kith-table-scroll').nth(1).scrollIntoViewIfNeeded(); await p.screenshot({ path: '/tmp/shots/market-390.png' })
console.log(await p.evaluate(() => [...document.querySelectorAll('.kith-table-scroll')].map((b) => b.dataset.overflows).join(',')))
await b.close()
