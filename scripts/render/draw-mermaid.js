// Runs in the page, after mermaid.min.js: draws every ```mermaid block in place, as github.com
// does, and reports each block that failed to draw and the height of each that did.
/* global window, document */
window.drawMermaid = async () => {
  window.mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' })
  const blocks = [...document.querySelectorAll('pre > code.language-mermaid')]
  const errors = []
  const heights = []
  for (const [i, code] of blocks.entries()) {
    const holder = document.createElement('div')
    code.parentElement.replaceWith(holder)
    try {
      const { svg } = await window.mermaid.render(`diagram-${i}`, code.textContent ?? '')
      holder.innerHTML = svg
      heights.push(holder.getBoundingClientRect().height)
    } catch (error) {
      errors.push(String(error?.message ?? error).split('\n')[0])
    }
  }
  return { count: blocks.length, errors, heights }
}
