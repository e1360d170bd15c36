/**
 * Deals writers into k groups, each institution's writers in turn (seeded order), so every group has
 * writers of every institution that has enough of them; returns each row's group.
 */
export function writerFolds(rowWriters: readonly string[], k: number, seed: number): Int32Array {
  const byInstitution = new Map<string, Set<string>>();
  for (const w of rowWriters) {
    const inst = w.split('/')[0];
    if (!byInstitution.has(inst)) byInstitution.set(inst, new Set());
    byInstitution.get(inst)!.add(w);
  }
  const group = new Map<string, number>();
  let next = 0;
  for (const inst of [...byInstitution.keys()].sort()) {
    const writers = [...byInstitution.get(inst)!].sort((a, b) => fnv(a, seed) - fnv(b, seed) || a.localeCompare(b));
    for (const w of writers) group.set(w, next++ % k);
  }
  return Int32Array.from(rowWriters, (w) => group.get(w)!);
}

function fnv(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
