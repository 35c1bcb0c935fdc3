// Rate limiting: a token bucket, refilled continuously.

export class TokenBucket {
  private tokens: number
  private last = Date.now()

  constructor(
    private readonly perSecond: number,
    private readonly burst: number
  ) {
    this.tokens = burst
  }

  take(): boolean {
    const now = Date.now()
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond)
    this.last = now
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}
