import type { AutocompleteSource, CommandServices } from './types.ts';

export interface Suggestion {
  /** What the user sees. */
  name: string;
  /** What the option is set to when it is picked. */
  value: string;
}

/** Suggestions for an option being typed, from the source its definition names, best first. */
export async function suggest(
  source: AutocompleteSource,
  typed: string,
  where: { channel: string | null; services: Pick<CommandServices, 'watches' | 'feeds'> },
): Promise<Suggestion[]> {
  const all =
    source === 'feeds'
      ? (await where.services.feeds.list()).map((f) => ({ name: `#${f.id} ${f.name ?? f.url}`, value: String(f.id) }))
      : where.channel
        ? (await where.services.watches.list(where.channel)).map((w) => ({ name: `#${w.id} ${w.query}`, value: `#${w.id}` }))
        : [];
  const wanted = typed.toLowerCase();
  return all.filter((s) => s.name.toLowerCase().includes(wanted));
}
