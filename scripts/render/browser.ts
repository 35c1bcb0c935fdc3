// Headless Debian Chromium, driven by playwright-core, showing HTML as a GitHub page would:
// GitHub's markdown stylesheet, Mermaid blocks drawn by the mermaid package, then a PNG.
import { mkdtemp, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type BrowserContext } from 'playwright-core'

const require = createRequire(import.meta.url)
const MERMAID_JS = require.resolve('mermaid/dist/mermaid.min.js')
const DRAW_MERMAID_JS = fileURLToPath(new URL('./draw-mermaid.js', import.meta.url))
const MARKDOWN_CSS = require.resolve('github-markdown-css/github-markdown-light.css')
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** The flags a closed network needs: no background connections that would each be refused. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
]

export interface Rendered {
  /** Mermaid blocks found, and the error of each that did not draw. */
  mermaidBlocks: number
  mermaidErrors: string[]
  /** Height of the page in CSS pixels, to keep charts small. */
  heightPx: number
  /** Height of each drawn diagram in CSS pixels. */
  diagramHeightsPx: number[]
}

export class Renderer {
  private constructor(
    private readonly browser: BrowserContext,
    private readonly profile: string
  ) {}

  static async start(): Promise<Renderer> {
    // A fresh profile each time, so no state of an earlier run leaks into the pictures.
    const profile = await mkdtemp(join(tmpdir(), 'iam-key-sentinel-chromium-'))
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: FLAGS,
      viewport: { width: 1012, height: 600 }
    })
    return new Renderer(browser, profile)
  }

  /** Renders `bodyHtml` (sanitized GFM) at 1012 px, GitHub's content width, into `png`. */
  async render(bodyHtml: string, png: string): Promise<Rendered> {
    const page = await this.browser.newPage()
    try {
      await page.setContent(
        `<!doctype html><html><head><meta charset="utf-8"></head>` +
          `<body><article class="markdown-body" style="padding:24px;max-width:980px">${bodyHtml}</article></body></html>`
      )
      await page.addStyleTag({ path: MARKDOWN_CSS })
      await page.addScriptTag({ path: MERMAID_JS })
      await page.addScriptTag({ path: DRAW_MERMAID_JS })
      const diagrams = (await page.evaluate('window.drawMermaid()')) as {
        count: number
        errors: string[]
        heights: number[]
      }
      await page.screenshot({ path: png, fullPage: true })
      const heightPx = (await page.evaluate('document.body.scrollHeight')) as number
      return {
        mermaidBlocks: diagrams.count,
        mermaidErrors: diagrams.errors,
        heightPx,
        diagramHeightsPx: diagrams.heights
      }
    } finally {
      await page.close()
    }
  }

  async stop(): Promise<void> {
    await this.browser.close()
    await rm(this.profile, { recursive: true, force: true })
  }
}
