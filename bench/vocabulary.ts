/**
 * A synthetic mixed Chinese/English vocabulary with Zipf-distributed word frequencies, seeded so that
 * every run draws the same corpus. Real terms (gpt, openai, 模型, 融资 …) are placed at chosen ranks so
 * that the benchmark queries hit common, middling and rare words.
 */
export class Vocabulary {
  readonly english: string[] = [];
  readonly chinese: string[] = [];
  private readonly cumulative: Float64Array;
  private seed: number;

  constructor(size = 40_000, seed = 42) {
    this.seed = seed;
    const han = (n: number) => String.fromCodePoint(0x4e00 + (n % 20_000));
    for (let i = 0; i < size; i++) {
      let word = '';
      for (let len = 3 + Math.floor(this.random() * 7); word.length < len; ) word += String.fromCharCode(97 + Math.floor(this.random() * 26));
      this.english.push(word);
      this.chinese.push(han(Math.floor(this.random() * 20_000)) + han(Math.floor(this.random() * 20_000)));
    }
    const placed: [number, string, string][] = [
      [3, 'model', '模型'],
      [40, 'openai', '发布'],
      [120, 'gpt', '融资'],
      [900, 'anthropic', '芯片'],
      [5_000, 'quantization', '推理'],
      [25_000, 'zyxwvut', '蒸馏'],
    ];
    for (const [rank, en, zh] of placed) {
      this.english[rank] = en;
      this.chinese[rank] = zh;
    }
    this.cumulative = new Float64Array(size);
    let total = 0;
    for (let r = 0; r < size; r++) this.cumulative[r] = total += 1 / (r + 1) ** 1.07;
    for (let r = 0; r < size; r++) this.cumulative[r]! /= total;
  }

  /** Deterministic pseudo-random numbers (mulberry32). */
  random(): number {
    let t = (this.seed = (this.seed + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A word rank drawn from the Zipf distribution. */
  rank(): number {
    const x = this.random();
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** `n` words of one language, as a list (Chinese words are later joined without spaces in raw text). */
  words(n: number, chinese: boolean): string[] {
    const list = chinese ? this.chinese : this.english;
    return Array.from({ length: n }, () => list[this.rank()]!);
  }
}
