import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/delivery/port.ts';
import { ConsoleSender } from '../../../src/platforms/console/console-sender.ts';
import { renderAnswer } from '../../../src/platforms/console/render-answer.ts';

// What a terminal would act on: clear the screen, recolour, a hyperlink (OSC 8) whose text shows one
// address and opens another, a bell, a right-to-left override.
const HOSTILE = '\u001b[2J\u001b[31mRed\u001b[0m \u001b]8;;https://evil.example\u0007https://openai.com\u001b]8;;\u0007 \u0007\u202Egnp.exe';

const alert: Alert = {
  deliveryId: 1,
  channel: 'console:team',
  itemId: 1,
  title: `GPT-5 ${HOSTILE}`,
  url: 'https://news.example.com/1',
  source: `Feed ${HOSTILE}`,
  publishedAt: new Date(0).toISOString(),
  lang: 'en',
  summary: `Summary ${HOSTILE}`,
  watch: 'gpt-5',
  alsoCoveredBy: [`Other ${HOSTILE}`],
  mention: null,
};

describe('the console', () => {
  it('prints alerts and answers with nothing a terminal would act on, the text itself kept', async () => {
    const printed: string[] = [];
    await new ConsoleSender((text) => printed.push(text)).send(alert);
    const answer = renderAnswer({ kind: 'list', heading: `Feeds ${HOSTILE}`, rows: [`#1 ${HOSTILE}`], empty: '', data: null });
    for (const text of [...printed, answer]) {
      expect(text).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E]/);
      expect(text).toContain('[2J[31mRed[0m ]8;;https://evil.examplehttps://openai.com]8;; gnp.exe');
    }
    expect(printed[0]).toContain('└ https://news.example.com/1');
  });
});
