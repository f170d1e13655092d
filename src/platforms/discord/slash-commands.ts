import {
  InteractionContextType,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  type SlashCommandBooleanOption,
} from 'discord.js';
import { MAX_QUERY_CHARS } from '../../search/query.ts';

export const COMMAND = 'ainews';
export const ADMIN_COMMAND = 'ainews-admin';

/** How each subcommand's options become the text of a command in commands/. */
export const SUBCOMMANDS: Record<string, { command: string; args: (get: (name: string) => string | number | boolean | null) => string }> = {
  search: { command: 'search', args: (get) => String(get('query') ?? '') },
  watch: { command: 'watch', args: (get) => String(get('keyword') ?? '') },
  unwatch: { command: 'unwatch', args: (get) => String(get('keyword') ?? '') },
  watches: { command: 'watches', args: () => '' },
  latest: { command: 'latest', args: (get) => String(get('count') ?? '') },
  stories: { command: 'stories', args: (get) => (get('story') !== null ? `#${String(get('story'))}` : String(get('count') ?? '')) },
  feeds: { command: 'feeds', args: () => '' },
  why: { command: 'why', args: (get) => String(get('item') ?? '') },
  help: { command: 'help', args: () => '' },
};

/** `/ainews-admin feeds add|remove`, mapped onto the feeds command. */
export const ADMIN_SUBCOMMANDS: Record<string, (get: (name: string) => string | number | boolean | null) => string> = {
  add: (get) => `add ${String(get('url') ?? '')}`,
  remove: (get) => `remove ${String(get('feed') ?? '')}`,
};

const share = (option: SlashCommandBooleanOption) => option.setName('share').setDescription('Show the answer to the whole channel (by default only you see it)');

/**
 * The application commands, as registered with Discord. `/ainews` is for everyone (watching is checked
 * at run time against DISCORD_WATCH_PERMISSION). Adding and removing feeds changes what every channel
 * gets, so it is a command of its own that Discord shows only to members with Manage Server
 * (`default_member_permissions`); it is checked again at run time.
 */
export function commandDefinitions(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  const ainews = new SlashCommandBuilder()
    .setName(COMMAND)
    .setDescription('AI news: search what was collected, and choose what this channel watches')
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
    .addSubcommand((s) =>
      s
        .setName('search')
        .setDescription('Search what was collected')
        .addStringOption((o) => o.setName('query').setDescription('words, "phrases", -exclude, OR, source:, since:7d, lang:zh').setRequired(true).setMaxLength(MAX_QUERY_CHARS))
        .addBooleanOption(share),
    )
    .addSubcommand((s) =>
      s
        .setName('watch')
        .setDescription('Post new items that match to this channel')
        .addStringOption((o) => o.setName('keyword').setDescription('keyword or "phrase", -exclude, source:<name>, in:title, or *').setRequired(true).setMaxLength(MAX_QUERY_CHARS))
        .addBooleanOption(share),
    )
    .addSubcommand((s) =>
      s
        .setName('unwatch')
        .setDescription('Stop a watch of this channel')
        .addStringOption((o) => o.setName('keyword').setDescription('the watch, by keyword or #id').setRequired(true).setAutocomplete(true))
        .addBooleanOption(share),
    )
    .addSubcommand((s) => s.setName('watches').setDescription("This channel's watches").addBooleanOption(share))
    .addSubcommand((s) =>
      s
        .setName('latest')
        .setDescription('The newest items')
        // Discord shows at most 10 embeds in one message.
        .addIntegerOption((o) => o.setName('count').setDescription('how many (5 by default)').setMinValue(1).setMaxValue(10))
        .addBooleanOption(share),
    )
    .addSubcommand((s) =>
      s
        .setName('stories')
        .setDescription('Recent stories with their sources, or one story in full')
        .addIntegerOption((o) => o.setName('count').setDescription('how many (10 by default)').setMinValue(1).setMaxValue(50))
        .addIntegerOption((o) => o.setName('story').setDescription("one story, by its number (its first item's #id)").setMinValue(1))
        .addBooleanOption(share),
    )
    .addSubcommand((s) => s.setName('feeds').setDescription('The feeds, with their status').addBooleanOption(share))
    .addSubcommand((s) =>
      s
        .setName('why')
        .setDescription('Whether this channel got an item, and why')
        .addStringOption((o) => o.setName('item').setDescription('the item URL or #id').setRequired(true))
        .addBooleanOption(share),
    )
    .addSubcommand((s) => s.setName('help').setDescription('What ainews can do'));
  const admin = new SlashCommandBuilder()
    .setName(ADMIN_COMMAND)
    .setDescription('Add and remove the feeds ainews polls (Manage Server)')
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild)
    .addSubcommandGroup((g) =>
      g
        .setName('feeds')
        .setDescription('The feeds ainews polls')
        .addSubcommand((s) => s.setName('add').setDescription('Subscribe to a feed').addStringOption((o) => o.setName('url').setDescription('the feed URL (http or https)').setRequired(true)))
        .addSubcommand((s) =>
          s
            .setName('remove')
            .setDescription('Unsubscribe from a feed')
            .addStringOption((o) => o.setName('feed').setDescription('the feed, by #id or URL').setRequired(true).setAutocomplete(true)),
        ),
    );
  return [ainews.toJSON(), admin.toJSON()];
}
