import { sourcesLine } from '../../delivery/compose-roundup.ts';
import type { Alert, AlertSender, Notice, Roundup, StoryUpdate } from '../../delivery/port.ts';
import { shortTime } from '../../format.ts';
import { terminalText } from './terminal-text.ts';

/**
 * The embedded default platform: alerts for `console:<name>` channels, printed as a block each, with
 * nothing a terminal would act on.
 */
export class ConsoleSender implements AlertSender {
  readonly platform = 'console' as const;
  private sent = 0;

  constructor(private readonly write: (text: string) => void) {}

  async send(alert: Alert): Promise<string> {
    const lines = [
      `┌ ${alert.channel} · watch "${alert.watch}"${alert.mention ? ` · @${alert.mention.label.replace(/^@/, '')}` : ''}`,
      `│ ${alert.title}`,
      ...(alert.originalLine ? [`│ ${alert.originalLine}`] : []),
      `│ ${[alert.source, shortTime(alert.publishedAt)].filter(Boolean).join(' · ')}`,
      ...(alert.summary ? [`│ ${alert.summary}`] : []),
      ...(alert.alsoCoveredBy.length ? [`│ also covered by ${alert.alsoCoveredBy.join(', ')}`] : []),
      ...(alert.url ? [`└ ${alert.url}`] : ['└']),
    ];
    this.write(terminalText(lines.join('\n')));
    return `console-${process.pid}-${++this.sent}`;
  }

  /** A fold or digest: its heading, then each story with its sources and summary. */
  async sendRoundup(roundup: Roundup): Promise<string> {
    const lines = [`┌ ${roundup.channel} · ${roundup.heading}`];
    for (const entry of roundup.entries) {
      const alerted = entry.alerted === null ? '' : entry.alerted ? ' · already alerted here' : ' · new to this channel';
      lines.push(`│ • ${entry.title}${entry.url ? ` ${entry.url}` : ''}`);
      if (entry.originalLine) lines.push(`│   ${entry.originalLine}`);
      lines.push(`│   ${sourcesLine(entry.sources)}${alerted}`);
      if (entry.summary) lines.push(`│   ${entry.summary}`);
    }
    lines.push(`└${roundup.footer ? ` ${roundup.footer}` : ''}`);
    this.write(terminalText(lines.join('\n')));
    return `console-${process.pid}-${++this.sent}`;
  }

  /** A notice about ainews itself (a feed down, or back), as a block of its own. */
  async sendNotice(notice: Notice): Promise<string> {
    this.write(terminalText([`┌ ${notice.channel} · ainews notice`, `│ ${notice.text}`, '└'].join('\n')));
    return `console-${process.pid}-${++this.sent}`;
  }

  async sendUpdate(update: StoryUpdate): Promise<string> {
    const lines = [
      `┌ ${update.channel} · story #${update.storyId} "${update.alert.title}" also covered by ${update.newSources.map((s) => s.name).join(', ')}`,
      ...update.newSources.map((source, i) => `${i === update.newSources.length - 1 ? '└' : '│'} ${source.name}: ${source.title}${source.url ? ` ${source.url}` : ''}`),
    ];
    this.write(terminalText(lines.join('\n')));
    return `console-${process.pid}-${++this.sent}`;
  }
}
