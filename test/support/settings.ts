// Narrows what readSettings returns to the settings of one mode, failing the test when the
// inputs led to another mode.
import type { Settings } from '../../src/domain/settings.js'

export function settingsOf<M extends Settings['mode']>(
  settings: Settings,
  mode: M
): Extract<Settings, { mode: M }> {
  if (settings.mode !== mode) throw new Error(`expected mode ${mode}, got ${settings.mode}`)
  return settings as Extract<Settings, { mode: M }>
}
