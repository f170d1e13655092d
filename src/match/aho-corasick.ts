/**
 * Aho–Corasick over sequences of units (words and CJK characters for keyword watches, UTF-16 code units
 * for the literals of regex watches): one pass over a text finds every pattern in it, whatever the
 * number of patterns.
 */
export class UnitAutomaton<Unit = string> {
  private readonly next: Map<Unit, number>[] = [new Map()];
  private readonly fail: number[] = [0];
  private readonly output: number[][] = [[]];
  private built = false;

  /** Adds a pattern (a non-empty unit sequence) under the caller's id. */
  add(units: Iterable<Unit>, id: number): void {
    if (this.built) throw new Error('the automaton is already built');
    let state = 0;
    for (const unit of units) {
      let target = this.next[state]!.get(unit);
      if (target === undefined) {
        target = this.next.length;
        this.next.push(new Map());
        this.fail.push(0);
        this.output.push([]);
        this.next[state]!.set(unit, target);
      }
      state = target;
    }
    this.output[state]!.push(id);
  }

  /** Computes failure links, breadth first; each state's output also holds those of its suffixes. */
  build(): this {
    const queue: number[] = [...this.next[0]!.values()];
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      for (const [unit, child] of this.next[state]!) {
        let fallback = this.fail[state]!;
        while (fallback !== 0 && !this.next[fallback]!.has(unit)) fallback = this.fail[fallback]!;
        const target = this.next[fallback]!.get(unit);
        this.fail[child] = target !== undefined && target !== child ? target : 0;
        const inherited = this.output[this.fail[child]!]!;
        if (inherited.length) this.output[child] = [...this.output[child]!, ...inherited];
        queue.push(child);
      }
    }
    this.built = true;
    return this;
  }

  /** Adds to `found` the id of every pattern that occurs in `units`. */
  scan(units: Iterable<Unit>, found: Set<number>): void {
    let state = 0;
    for (const unit of units) {
      state = this.step(state, unit);
      for (const id of this.output[state]!) found.add(id);
    }
  }

  /** The state after reading `unit` in `state`; 0, the root, is where every scan starts. */
  step(state: number, unit: Unit): number {
    while (state !== 0 && !this.next[state]!.has(unit)) state = this.fail[state]!;
    return this.next[state]!.get(unit) ?? 0;
  }

  /** How many states the automaton has: states are numbered from 0, the root, to size - 1. */
  get size(): number {
    return this.next.length;
  }

  /** The ids of the patterns that end in `state`. */
  found(state: number): readonly number[] {
    return this.output[state]!;
  }
}
