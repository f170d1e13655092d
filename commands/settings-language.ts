import { settingsAnswer } from './settings.ts';
import { defineCommand, requireChannel } from './types.ts';

const LANGUAGES = { en: 'English', zh: 'Chinese (中文)' } as const;

export const settingsLanguageCommand = defineCommand({
  name: 'settings language',
  usage: 'settings language <en|zh|off>',
  summary: "show alerts in this language, translated when they are in another (needs the LLM)",
  description: 'Show alerts in this language, translated when needed',
  options: [
    {
      name: 'language',
      type: 'string',
      required: 'which language? settings language en, settings language zh, or settings language off',
      description: 'en, zh, or off',
      choices: [
        { name: 'English', value: 'en' },
        { name: '中文', value: 'zh' },
        { name: 'off', value: 'off' },
      ],
    },
  ],
  access: 'channel-manager',
  action: "change this channel's settings",
  writes: true,
  uses: ['rhythm', 'watches', 'translations'],
  async run({ language }, ctx) {
    const channel = requireChannel(ctx);
    const chosen = language.trim().toLowerCase() === 'off' ? null : (language.trim().toLowerCase() as 'en' | 'zh');
    const { rhythm, watches, translations } = ctx.services;
    const settings = await rhythm.setLanguage(channel, chosen, ctx.now);
    const said = chosen
      ? `Alerts here are now shown in ${LANGUAGES[chosen]}: titles and summaries in another language are translated, with the original kept.`
      : 'Alerts here are shown in the language they come in.';
    // The setting is kept all the same, so that it works as soon as an LLM is configured.
    const warnings = chosen && !translations.configured() ? ['Nothing will be translated until an LLM is configured (LLM_BASE_URL): alerts are shown as they come meanwhile.'] : [];
    return { ...settingsAnswer(settings, (await watches.list(channel)).length, `Language: ${chosen ?? 'off'}`, [said]), announce: true, ...(warnings.length ? { warnings } : {}) };
  },
});
