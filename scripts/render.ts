// `npm run render`: renders what people read (job summaries, issue bodies, SNS text of the e2e
// scenarios) as GitHub shows them, in headless Chromium, into PNGs; fails when a Mermaid block
// does not draw or a table row is broken.
import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { Renderer } from './render/browser.js'
import { brokenTableRows, gfmToHtml } from './render/gfm.js'
import { renderScenarios, type Document } from './render/scenarios.js'

const { values } = parseArgs({ options: { out: { type: 'string', default: '.render' } } })
const out = resolve(values.out ?? '.render')
await mkdir(out, { recursive: true })

const escapeHtml = (text: string): string => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)

function html(doc: Document): string {
  // A mail client shows SNS's plain text as is: monospace, wrapped at the window's edge.
  return doc.format === 'markdown'
    ? gfmToHtml(doc.content)
    : `<pre style="white-space:pre-wrap">${escapeHtml(doc.content)}</pre>`
}

const docs = await renderScenarios()
const renderer = await Renderer.start()
const problems: string[] = []
try {
  for (const doc of docs) {
    const png = join(out, `${doc.name}.png`)
    const shown = await renderer.render(html(doc), png)
    const broken = doc.format === 'markdown' ? brokenTableRows(doc.content) : []
    for (const row of broken) {
      problems.push(
        `${doc.name}: line ${row.line} has ${row.cells} cells` +
          (row.headerCells ? ` under a ${row.headerCells}-column header` : ' outside any table')
      )
    }
    for (const error of shown.mermaidErrors) problems.push(`${doc.name}: Mermaid failed: ${error}`)
    const drawn = shown.mermaidBlocks - shown.mermaidErrors.length
    if (doc.mermaid !== undefined && drawn < doc.mermaid)
      problems.push(`${doc.name}: ${drawn} Mermaid blocks drawn, ${doc.mermaid} expected`)
    console.log(
      `${doc.name.padEnd(24)} ${String(shown.heightPx).padStart(6)} px tall, ` +
        `${shown.mermaidBlocks} Mermaid (${shown.diagramHeightsPx.map((h) => `${Math.round(h)} px`).join(', ') || '-'}), ` +
        `${broken.length} broken rows → ${png}`
    )
  }
} finally {
  await renderer.stop()
}
const expected = [
  'demo-summary',
  'rotation-issue',
  'demo-sns',
  'deactivate-summary',
  'dry-run-summary',
  'incident-summary',
  'organization-aggregate',
  'dashboard-issue',
  'dashboard-summary'
]
for (const name of expected.filter((n) => !docs.some((d) => d.name === n))) {
  problems.push(`${name}: the scenario produced no such document`)
}
if (problems.length > 0) {
  console.error(`\nRender check failed:\n${problems.map((p) => `- ${p}`).join('\n')}`)
  process.exit(1)
}
console.log(
  `\nRender check passed: ${docs.length} documents, every Mermaid block drawn, every table row whole.`
)
