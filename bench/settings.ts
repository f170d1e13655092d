import { loadConfig } from '../src/config.ts';

/** The settings of a fresh installation, with nothing set: what the benchmarks measure. */
export const defaults = loadConfig({});
