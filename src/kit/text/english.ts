// Counting in English, for every medium and every stage that words a number.

/** The form that agrees with a count: agree(1, 'needs', 'need') is "needs", agree(2, …) "need". */
export function agree(n: number, one: string, many: string): string {
  return n === 1 ? one : many
}

/** "1 day", "2 days", "0 keys". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${agree(n, word, many)}`
}
