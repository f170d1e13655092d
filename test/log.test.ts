import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chooseLogFormat, createLogger, type LogFormat } from '../src/log.ts';

const SECRET = 'xoxb-1111-secret-bot-token';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ainews-log-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Logs what a poller might, secrets included, to a file; returns what reached the file by the time each call returned. */
function logSome(format: LogFormat | undefined): { afterFirst: string; all: string } {
  const path = join(dir, `${format ?? 'auto'}.log`);
  const log = createLogger('info', { format, destination: path });
  log.child({ component: 'poller' }).info({ feed: 'Example News', items: 3, token: SECRET }, 'polled a feed');
  // Read at once, with nothing flushed or awaited: what a crash right now would leave behind.
  const afterFirst = readFileSync(path, 'utf8');
  log.warn({ headers: { authorization: `Bearer ${SECRET}` } }, 'the platform said no');
  return { afterFirst, all: readFileSync(path, 'utf8') };
}

describe('logs', () => {
  it('as json: one parseable JSON object a line, with the component, and secrets redacted', () => {
    const { afterFirst, all } = logSome('json');
    expect(afterFirst).not.toBe('');
    const lines = all.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toMatchObject([
      { level: 30, component: 'poller', feed: 'Example News', items: 3, token: '[redacted]', msg: 'polled a feed' },
      { level: 40, headers: { authorization: '[redacted]' }, msg: 'the platform said no' },
    ]);
    expect(all).not.toContain(SECRET);
  });

  it('as pretty: readable lines without JSON braces, with the component, and secrets redacted', () => {
    const { afterFirst, all } = logSome('pretty');
    expect(afterFirst).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: \[poller\] polled a feed\n {4}feed: "Example News"\n {4}items: 3\n {4}token: "\[redacted\]"\n$/);
    expect(afterFirst).not.toMatch(/[{}]/);
    expect(all).toMatch(/\] WARN: the platform said no\n/);
    expect(all).toContain('"authorization": "[redacted]"');
    expect(all).not.toContain(SECRET);
    // No colour codes in a file, even when asked for pretty.
    expect(all).not.toContain('\u001b[');
  });

  it('as JSON lines when not on a terminal and LOG_FORMAT is unset', () => {
    const { all } = logSome(undefined);
    expect(JSON.parse(all.split('\n')[0]!)).toMatchObject({ msg: 'polled a feed', token: '[redacted]' });
  });

  it('pretty on a terminal and json elsewhere, unless LOG_FORMAT says', () => {
    expect(chooseLogFormat(undefined, true)).toBe('pretty');
    expect(chooseLogFormat(undefined, false)).toBe('json');
    expect(chooseLogFormat('json', true)).toBe('json');
    expect(chooseLogFormat('pretty', false)).toBe('pretty');
  });
});
