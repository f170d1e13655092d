import { describe, expect, it } from 'vitest';
import { tallyChannel, tallyFetches } from './soak-checks.ts';

// The multi-worker soak's verdicts, on made-up records: a soak that cannot see a fault proves nothing.
describe('tallyChannel', () => {
  const alerts = new Map([
    [11, 'a'],
    [12, 'b'],
    [13, 'c'],
  ]);
  const tally = (received: number[], options = {}) => {
    const problems: string[] = [];
    return { ...tallyChannel('slack:T/C', ['a', 'b', 'c'], received, alerts, problems, options), problems };
  };

  it('passes each alert once, in the order the outbox queued them', () => {
    expect(tally([11, 12, 13])).toMatchObject({ expected: 3, delivered: 3, lost: 0, duplicated: 0, outOfOrder: 0, unknown: 0, problems: [] });
  });

  it('counts an alert missing, one twice, one overtaken and a message that is no alert of the channel', () => {
    expect(tally([11, 11, 13])).toMatchObject({ delivered: 2, lost: 1, duplicated: 1, problems: ['slack:T/C: lost: b', 'slack:T/C: 2 messages for a'] });
    expect(tally([12, 11, 13])).toMatchObject({ outOfOrder: 1, problems: ['slack:T/C: out of order: alert #11 arrived after #12'] });
    expect(tally([11, 12, 13, 99])).toMatchObject({ unknown: 1, problems: ['slack:T/C: unexpected message: outbox id 99 (no alert of this channel)'] });
  });

  it('counts a repeat without calling it a problem where delivery is at least once, and judges order by first arrivals', () => {
    expect(tally([11, 12, 11, 13], { repeats: true })).toMatchObject({ duplicated: 1, outOfOrder: 0, problems: [] });
  });
});

describe('tallyFetches', () => {
  const fetch = (at: number, end: number | null = at + 10) => ({ feed: 0, at, end, served: 1 });
  const tally = (fetches: ReturnType<typeof fetch>[], due: number[]) => {
    const problems: string[] = [];
    return { ...tallyFetches(fetches, [[0, ...due]], 0, problems), problems };
  };

  it('passes one fetch per due period, the backlog poll being the first', () => {
    expect(tally([fetch(5), fetch(1005), fetch(3005)], [1000, 2000, 3000])).toMatchObject({ fetches: 3, twice: 0, overlapping: 0, problems: [] });
  });

  it('counts a second fetch in one due period, one before the feed was first due again, and one begun before the last ended', () => {
    expect(tally([fetch(5), fetch(1005), fetch(1500)], [1000])).toMatchObject({ twice: 1, problems: ['feed 1: fetched 2 times in the due period from 1.0 s (at 1.0 s, 1.5 s)'] });
    expect(tally([fetch(5), fetch(500)], [1000])).toMatchObject({ twice: 1 });
    expect(tally([fetch(5), fetch(1005, 2500), fetch(2005)], [1000, 2000])).toMatchObject({ twice: 0, overlapping: 1 });
  });
});
