import type { Alert, AlertSender } from '../../delivery/port.ts';
import { shortTime } from '../../format.ts';

/** The embedded default platform: alerts for `console:<name>` channels, printed as a block each. */
export class ConsoleSender implements AlertSender {
  readonly platform = 'console' as const;
  private sent = 0;

  constructor(private readonly write: (text: string) => void) {}

  async send(alert: Alert): Promise<string> {
    const lines = [
      `┌ ${alert.channel} · watch "${alert.watch}"`,
      `│ ${alert.title}`,
      `│ ${[alert.source, shortTime(alert.publishedAt)].filter(Boolean).join(' · ')}`,
      ...(alert.summary ? [`│ ${alert.summary}`] : []),
      ...(alert.alsoCoveredBy.length ? [`│ also covered by ${alert.alsoCoveredBy.join(', ')}`] : []),
      ...(alert.url ? [`└ ${alert.url}`] : ['└']),
    ];
    this.write(lines.join('\n'));
    return `console-${process.pid}-${++this.sent}`;
  }
}
