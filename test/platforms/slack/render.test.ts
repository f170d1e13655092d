import { oversizeAlert, oversizeResults, OVERSIZE, sampleAlert, sampleResults } from '../../helpers/samples.ts';
import { slackRefusal } from '../../helpers/slack-limits.ts';
import { describe, expect, it } from 'vitest';
import type { Answer } from '../../../commands/index.ts';
import { escapeMrkdwn, fitMrkdwn, mrkdwnLink } from '../../../src/platforms/slack/mrkdwn.ts';
import { alertMessage, updateMessage } from '../../../src/platforms/slack/render-alert.ts';
import { answerMessage, MORE_ACTION } from '../../../src/platforms/slack/render-answer.ts';

const alert = sampleAlert('slack:T1/C1');

/** Every piece of mrkdwn in a message: what Slack would parse for mentions and links. */
const allText = (message: { text: string; blocks: unknown[] }) => [message.text, ...JSON.stringify(message.blocks).match(/"text":"(?:[^"\\]|\\.)*"/g)!].join('\n');

describe('mrkdwn', () => {
  it('escapes the three control characters, and nothing else', () => {
    expect(escapeMrkdwn('<!channel> & <@U123> *bold* 中文')).toBe('&lt;!channel&gt; &amp; &lt;@U123&gt; *bold* 中文');
  });

  it('cuts escaped text on a whole character, never inside an entity', () => {
    expect(fitMrkdwn('a&b', 10)).toBe('a&amp;b');
    expect(fitMrkdwn('ab&&&&', 8)).toBe('ab&amp;…');
    expect(fitMrkdwn('😀😀😀', 4)).toBe('😀…');
  });

  it('links only http(s), with a URL that cannot close the link or change its label', () => {
    expect(mrkdwnLink('https://x.example/a?b=1&c=2', 'Label')).toBe('<https://x.example/a?b=1&amp;c=2|Label>');
    expect(mrkdwnLink('https://x.example/a|b>c', 'Label')).toBe('<https://x.example/a%7Cb%3Ec|Label>');
    expect(mrkdwnLink('javascript:alert(1)', 'Label')).toBe('Label');
    expect(mrkdwnLink(null, 'Label')).toBe('Label');
  });
});

describe('alert messages', () => {
  it('show the linked title, source, time and host, the summary, and the watch', () => {
    const { text, blocks } = alertMessage({ ...alert, alsoCoveredBy: ['量子位', 'The Verge'] });
    expect(text).toBe('OpenAI ships GPT-5 (OpenAI News)');
    expect(blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: '*<https://openai.com/index/gpt-5/|OpenAI ships GPT-5>*' } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'OpenAI News · <!date^1754586000^{date_short_pretty} {time}|2025-08-07 17:00Z> · openai.com' }] },
      { type: 'section', text: { type: 'mrkdwn', text: 'The new model is out.' } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Watch “gpt-5”' }, { type: 'mrkdwn', text: 'Also covered by 量子位, The Verge' }] },
    ]);
  });

  it('neutralise hostile feed text: no mention, no broadcast, no disguised link', () => {
    const message = alertMessage({
      ...alert,
      title: '<!channel> Free GPUs <https://evil.example|https://openai.com>',
      source: '<@U0ADMIN>',
      summary: 'Click <https://evil.example/login|openai.com/login> now <!here> <!subteam^S1> & win',
      watch: '<!everyone>',
    });
    const text = allText(message);
    // Only our own date token may open with <! .
    expect(text).not.toMatch(/<[!@#](?!date\^)/);
    expect(text).not.toContain('<https://evil');
    expect(text).toContain('&lt;!channel&gt; Free GPUs &lt;https://evil.example|https://openai.com&gt;');
    expect(text).toContain('&amp; win');
  });

  it('stay within Block Kit limits for very long text and links, keeping the title', () => {
    const long = alertMessage({ ...alert, title: 'T'.repeat(5000), summary: '<'.repeat(5000), source: '&'.repeat(5000) });
    const huge = alertMessage({ ...alert, url: `https://x.example/?${'a=1&'.repeat(700)}` });
    for (const { blocks } of [long, huge]) {
      for (const block of blocks) {
        if (block.type === 'section') expect(block.text!.text.length).toBeLessThanOrEqual(3000);
        if (block.type === 'context') for (const element of block.elements) expect((element as { text: string }).text.length).toBeLessThanOrEqual(3000);
      }
    }
    expect(huge.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '*OpenAI ships GPT-5*' } });
  });

  it('escape the link host too', () => {
    const { blocks } = alertMessage({ ...alert, url: 'https://x&lt;!channel&gt;.example/' });
    expect(JSON.stringify(blocks[1])).not.toContain('&lt;!channel&gt;.example');
  });
});

describe('answers', () => {
  const results = sampleResults([{ text: '发布新', match: false }, { text: '推理模型', match: true }], [{ text: '公司今天发布', match: false }, { text: '推理模型', match: true }, { text: '<@U1>', match: false }]);

  it('render results with linked titles, source and age, bold matches even inside Chinese, and a More button', () => {
    const { blocks } = answerMessage(results, new Date('2025-08-07T18:00:00Z'));
    expect(blocks[1]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: '*<https://www.ithome.com/0/1.htm|发布新推理模型>*\nIT之家 · 3 sources · 2h ago · #5 · ithome.com\n公司今天发布\u200b*推理模型*\u200b&lt;@U1&gt;' },
    });
    expect(blocks[2]).toMatchObject({ type: 'actions', elements: [{ type: 'button', action_id: MORE_ACTION, value: '推理模型 page:2' }] });
  });

  it('keep a result within Block Kit limits whatever the feed sent', () => {
    const [result] = (results as Extract<Answer, { kind: 'results' }>).results;
    const hostile: Answer = {
      ...(results as Extract<Answer, { kind: 'results' }>),
      results: [
        {
          ...result!,
          title: [{ text: 'T'.repeat(4000), match: false }],
          source: 'S'.repeat(4000),
          url: `https://x.example/?${'a=1&'.repeat(700)}`,
          snippet: [{ text: '<'.repeat(3000), match: false }, { text: 'gpt-5', match: true }],
        },
      ],
    };
    const block = answerMessage(hostile).blocks[1] as { text: { text: string } };
    expect(block.text.text.length).toBeLessThanOrEqual(3000);
    expect(block.text.text).toMatch(/&lt;…$/);
  });

  it('render errors with the usage, and long lists in several sections', () => {
    expect(answerMessage({ kind: 'error', message: 'bad <thing>', usage: '/ainews watch <keyword>' }).blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: ':warning: bad &lt;thing&gt;' } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Usage: `/ainews watch &lt;keyword&gt;`' }] },
    ]);
    const list = answerMessage({ kind: 'list', heading: 'Watches', rows: Array.from({ length: 100 }, (_, i) => `#${i} ${'x'.repeat(80)}`), empty: '', data: [] });
    expect(list.blocks.length).toBeGreaterThan(3);
    expect(JSON.stringify(list.blocks)).toContain('#99 ');
  });
});

describe('any item, however long, in a message Slack takes', () => {
  const now = new Date('2025-08-07T18:00:00Z');
  const langs = ['en', 'zh'] as const;

  it.each(langs)('an alert (%s): the title cut on a whole character, the link dropped when it does not fit', (lang) => {
    const message = alertMessage(oversizeAlert('slack:T1/C1', lang));
    expect(slackRefusal(message)).toBeNull();
    const title = (message.blocks[0] as { text: { text: string } }).text.text;
    // The 2,500-character URL fits beside a 300-character title; the host shows all the same.
    expect(title).toMatch(/^\*<https:\/\/news\.example\.com\/[^|]+\|.+…>\*$/);
    expect(JSON.stringify(message.blocks[1])).toContain('news.example.com');
    const longer = alertMessage({ ...oversizeAlert('slack:T1/C1', lang), url: `${OVERSIZE.url(lang)}${'z'.repeat(400)}` });
    expect(slackRefusal(longer)).toBeNull();
    expect((longer.blocks[0] as { text: { text: string } }).text.text).toMatch(/^\*[^<]+…\*$/);
  });

  it.each(langs)('a story update naming many oversize sources (%s)', (lang) => {
    const sources = Array.from({ length: 25 }, (_, i) => ({ name: `${i} ${OVERSIZE.name(lang)}`, title: OVERSIZE.title(lang), url: OVERSIZE.url(lang) }));
    const alert = oversizeAlert('slack:T1/C1', lang);
    const message = updateMessage({ deliveryId: 9, channel: alert.channel, storyId: 3, alertMessageId: '1.2', alert, newSources: sources });
    expect(slackRefusal(message)).toBeNull();
    expect(JSON.stringify(message.blocks)).toMatch(/…and \d+ more"/);
  });

  it.each(langs)('search results, twenty of them, with the More button (%s)', (lang) => {
    for (const n of [5, 20]) {
      const message = answerMessage(oversizeResults(n, lang), now);
      expect(slackRefusal(message)).toBeNull();
      // Every result shows, however little room each gets.
      expect(message.blocks).toHaveLength(n + 2);
      expect(message.blocks.at(-1)).toMatchObject({ type: 'actions' });
    }
  });

  it('notices and lists of any length (why, stories), and errors', () => {
    const line = `${OVERSIZE.title('zh')} ${OVERSIZE.title('en')}`;
    const notice = answerMessage({ kind: 'notice', heading: line, lines: Array.from({ length: 200 }, () => line) });
    const list = answerMessage({ kind: 'list', heading: line, rows: Array.from({ length: 500 }, (_, i) => `#${i} ${line}`), empty: '', data: [] });
    const error = answerMessage({ kind: 'error', message: line.repeat(3), usage: line });
    for (const message of [notice, list, error]) expect(slackRefusal(message)).toBeNull();
    expect(JSON.stringify(list.blocks)).toMatch(/_…and \d+ more_"/);
  });

  it('names each source once escaped in an update', () => {
    const alert = sampleAlert('slack:T1/C1');
    const message = updateMessage({ deliveryId: 9, channel: alert.channel, storyId: 3, alertMessageId: '1.2', alert, newSources: [{ name: 'AT&T News', title: 'A & B', url: null }] });
    expect(message.text).toBe('Also covered by AT&amp;T News');
    expect(message.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: '*Also covered by AT&amp;T News*\n• AT&amp;T News: A &amp; B' } }]);
  });
});
