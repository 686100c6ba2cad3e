// "Did you mean …?" for names a user typed: the closest known name by edit
// distance, offered only when it is close enough to be a plausible typo, so a
// message never suggests something unrelated.

/** Levenshtein distance, case-insensitive (a model named Dim_Club is a typo of dim_club). */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[t.length] ?? 0;
}

/** The known name nearest to `name`, or null when none is within a typo's reach. */
export function closestName(name: string, known: Iterable<string>): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of [...known].sort()) {
    const d = editDistance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const reach = Math.max(2, Math.floor(name.length / 3));
  return bestDistance <= reach ? best : null;
}

/** " Did you mean 'x'?" or " Known: a, b, c." — the tail of a not-found message. */
export function suggestionText(name: string, known: readonly string[]): string {
  const close = closestName(name, known);
  if (close !== null) return ` Did you mean '${close}'?`;
  if (known.length === 0) return ' None are defined yet.';
  const shown = [...known].sort().slice(0, 12);
  return ` Known: ${shown.join(', ')}${known.length > shown.length ? ', …' : ''}.`;
}
