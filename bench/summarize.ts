import { summarizeBuiltin } from '../src/summarize/builtin.ts';
import { defaults } from './settings.ts';

const limits = { zhChars: defaults.SUMMARY_MAX_CHARS_ZH, enWords: defaults.SUMMARY_MAX_WORDS_EN };

const ZH_SENTENCES = [
  'OpenAI 今日正式发布 GPT-5 模型，这是该公司迄今为止最强大的语言模型。',
  '据官方介绍，新模型在数学推理、代码生成和多语言理解方面全面超越上一代产品。',
  '价格方面，API 定价与上一代持平，每百万输入 token 收费 2.5 美元。',
  '分析人士认为，此次发布将进一步巩固其在大模型领域的领先地位。',
  '谷歌和 Anthropic 预计将在近期推出竞争产品，国内厂商也在加快追赶。',
  '业内人士指出，模型能力提升的同时，推理成本的下降同样值得关注。',
];
const EN_SENTENCES = [
  'Today we are releasing Aurora-2, our most capable open-weights model so far.',
  'It was trained on 15T tokens in 40 languages and is available under a permissive license.',
  'Aurora-2 matches GPT-4.5 on MMLU and runs on a single node with 8 GPUs.',
  'On coding benchmarks it improves on Aurora-1 by 12 points, and its context window grows to 128K tokens.',
  'Dr. Chen, who led the project, said the team focused on efficiency rather than size.',
  'Researchers in the U.S. and Europe had early access for three months before the release.',
];

/** An article of about `bytes` UTF-8 bytes, in paragraphs of three sentences. */
function article(sentences: string[], bytes: number): string {
  const out: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const sentence = sentences[i % sentences.length]!;
    out.push(sentence);
    size += Buffer.byteLength(sentence);
  }
  const paragraphs: string[] = [];
  for (let i = 0; i < out.length; i += 3) paragraphs.push(out.slice(i, i + 3).join(out[0]!.includes('。') ? '' : ' '));
  return paragraphs.join('\n\n');
}

export async function summarizeBenchmark(): Promise<void> {
  console.log('summarize: the built-in summarizer, summaries per second');
  for (const [lang, sentences, title] of [
    ['zh', ZH_SENTENCES, 'OpenAI 发布 GPT-5：推理能力大幅提升'],
    ['en', EN_SENTENCES, 'Introducing Aurora-2, our open multilingual model'],
  ] as const) {
    for (const [label, bytes] of [['short 1.5 KB', 1_500], ['long 15 KB', 15_000]] as const) {
      const body = article(sentences, bytes);
      summarizeBuiltin({ title, body, lang }, limits); // warm
      const runs = bytes > 5000 ? 50 : 300;
      const start = performance.now();
      for (let i = 0; i < runs; i++) summarizeBuiltin({ title, body: `${body}\n\n${i}`, lang }, limits);
      const perSecond = runs / ((performance.now() - start) / 1000);
      console.log(`  ${lang} ${label.padEnd(13)} ${perSecond.toFixed(0).padStart(6)} summaries/s`);
    }
  }
}
