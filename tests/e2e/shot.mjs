import { chromium } from 'playwright-core'
const base = process.env.BASE || 'http://127.0.0.1:8088'
const [,, name, path, width, full] = process.argv
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] })
const p = await b.newPage({ viewport: { width: Number(width), height: 844 } })
await p.goto(base + path)
await p.screenshot({ path: `/tmp/shots/${name}-${width}.png`, fullPage: full === 'full' })
const info = await p.evaluate(() => {
  const h = document.querySelector('.kith-result h2')
  return { firstResultTop: h && h.getBoundingClientRect().top, scrollW: document.documentElement.scrollWidth }
})
console.log(JSON.stringify(info))
await b.close()
