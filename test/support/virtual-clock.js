// A clock that reads a fixed instant at the moment it is set and then runs at the real pace, so
// every date a run prints is reproducible to the day and its time of day varies only by how long
// the run took. Advancing (not frozen) because the action's waits and GitHub's write pacing read
// Date.now(). Set in the jest process for the fakes and loaded into dist/index.js with
// `node --import` (startClockAt's env), so both sides of every request read one clock.

/** The variable that carries the offset from the real clock into the action's process. */
const CLOCK_OFFSET_VARIABLE = 'IAM_KEY_SENTINEL_TEST_CLOCK_OFFSET_MS'

/** Replaces globalThis.Date with one `offsetMs` ahead of the real clock; returns the undo. */
function shiftClock(offsetMs) {
  const RealDate = globalThis.Date
  const now = () => RealDate.now() + offsetMs
  const ShiftedDate = new Proxy(RealDate, {
    construct: (target, args, newTarget) =>
      Reflect.construct(target, args.length === 0 ? [now()] : args, newTarget),
    apply: () => new RealDate(now()).toString(),
    get: (target, property, receiver) =>
      property === 'now' ? now : Reflect.get(target, property, receiver)
  })
  globalThis.Date = ShiftedDate
  return () => {
    globalThis.Date = RealDate
  }
}

/**
 * Sets this process's clock to `instant` (ms since the epoch) from now on, and returns the undo
 * and the environment that starts a child process on the same clock.
 */
export function startClockAt(instant) {
  const offsetMs = instant - Date.now()
  const restore = shiftClock(offsetMs)
  const env = {
    [CLOCK_OFFSET_VARIABLE]: String(offsetMs),
    NODE_OPTIONS: `--import=${import.meta.url}`
  }
  return { restore, env }
}

const inherited = Number(process.env[CLOCK_OFFSET_VARIABLE])
if (process.env[CLOCK_OFFSET_VARIABLE] && Number.isFinite(inherited)) shiftClock(inherited)
