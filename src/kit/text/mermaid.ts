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

export interface LineChart {
  height: number
  /** One per point along the x axis; the caller makes them safe, as for BarChart. */
  labels: readonly string[]
  /** One line per series, each with one value per label, drawn in `colors`' order. */
  series: readonly (readonly number[])[]
  colors: readonly string[]
  axis: string
  max: number
}

/** Lines over the x axis (xychart-beta has no legend: the caller says which colour is which). */
export function lineChart(chart: LineChart): string {
  return [
    '```mermaid',
    '---',
    'config:',
    '  xyChart:',
    '    width: 600',
    `    height: ${chart.height}`,
    '  themeVariables:',
    '    xyChart:',
    `      plotColorPalette: "${chart.colors.join(', ')}"`,
    '---',
    'xychart-beta',
    `  x-axis [${chart.labels.map((label) => `"${label}"`).join(', ')}]`,
    `  y-axis "${chart.axis}" 0 --> ${chart.max}`,
    ...chart.series.map((values) => `  line [${values.join(', ')}]`),
    '```'
  ].join('\n')
}
