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

/** The frame GitHub's Mermaid draws an xychart-beta in: 600 wide, the palette, both axes. */
function xyChart(
  chart: { height: number; labels: readonly string[]; axis: string; max: number },
  palette: string,
  kind: 'xychart-beta' | 'xychart-beta horizontal',
  plots: readonly string[]
): string {
  return [
    '```mermaid',
    '---',
    'config:',
    '  xyChart:',
    '    width: 600',
    `    height: ${chart.height}`,
    '  themeVariables:',
    '    xyChart:',
    `      plotColorPalette: "${palette}"`,
    '---',
    kind,
    `  x-axis [${chart.labels.map((label) => `"${label}"`).join(', ')}]`,
    `  y-axis "${chart.axis}" 0 --> ${chart.max}`,
    ...plots,
    '```'
  ].join('\n')
}

/** Horizontal bars: the value axis runs along the wide side, so its ticks stay legible. */
export function horizontalBarChart(chart: BarChart): string {
  return xyChart(chart, chart.color, 'xychart-beta horizontal', [
    `  bar [${chart.values.join(', ')}]`
  ])
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
  return xyChart(
    chart,
    chart.colors.join(', '),
    'xychart-beta',
    chart.series.map((values) => `  line [${values.join(', ')}]`)
  )
}
