// The one gate of every channel that writes out of the run (GitHub issues, comments and labels,
// SNS, and any channel added later, such as Security Hub): in a dry run nothing is sent, and the
// channel's delivery says what it would have sent, for the job summary. IAM and secrets writes
// are gated by their plans (src/plan, src/rotate), which a dry run applies as "planned" only.
import type { Delivery } from './deliveries.js'

/** A channel's delivery in a dry run: nothing sent, and what would have been. */
export function dryRunDelivery(channel: Delivery['channel'], wouldSend: string): Delivery {
  return { channel, ok: true, dryRun: true, detail: wouldSend }
}

/**
 * Sends through `send` unless the run is a dry run; then sends nothing and returns what it
 * would have sent.
 */
export async function unlessDryRun(
  dryRun: boolean,
  channel: Delivery['channel'],
  wouldSend: () => string,
  send: () => Promise<Delivery>
): Promise<Delivery> {
  return dryRun ? dryRunDelivery(channel, wouldSend()) : send()
}
