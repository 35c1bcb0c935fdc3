// Mermaid bar charts, as GitHub draws them in Markdown.

export interface BarChart {
  /** Pixels; the width is always 600. */
  height: number
  /** The bars' colour, e.g. "#0969da". */
  color: string
  /** One per bar; the caller makes them safe (no double quote, nothing Mermaid parses). */
  labels: readonly string[]
  values: readonly number[]
  /** The value axis: its title and its end. */
  axis: string
  max: number
}

/** Horizontal bars: the value axis runs along the wide side, so its ticks stay legible. */
export function horizontalBarChart(chart: BarChart): string {
  return [
    '```mermaid',
    '---',
    'config:',
    '  xyChart:',
    '    width: 600',
    `    height: ${chart.height}`,
    '  themeVariables:',
    '    xyChart:',
    `      plotColorPalette: "${chart.color}"`,
    '---',
    'xychart-beta horizontal',
    `  x-axis [${chart.labels.map((label) => `"${label}"`).join(', ')}]`,
    `  y-axis "${chart.axis}" 0 --> ${chart.max}`,
    `  bar [${chart.values.join(', ')}]`,
    '```'
  ].join('\n')
}
