// The CloudTrail activity feature: what the action imports.
export {
  lookupActivity,
  DEFAULT_RATE_PER_SECOND,
  MAX_LOOKBACK_HOURS,
  type ActivityTarget,
  type LookupOptions
} from './lookup.js'
export {
  renderActivityMarkdown,
  renderActivitySection,
  renderActivityText,
  ACTIVITY_SECTION_LIMIT_BYTES
} from '../render/activity.js'
export { summarizeActivity, ActivityAccumulator, type LookupEvent } from './summarize.js'
export { selectActivityTargets, type KeyRef, type RunKeys } from './targets.js'
export type {
  ActivityLookup,
  ActivitySummary,
  ActivityWindow,
  RegionActivity,
  RegionProblem,
  TopValue,
  TopLists
} from '../domain/activity.js'
