import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('METRICS_PORT and METRICS_HOST', () => {
  it('leave the health and metrics server off, on the loopback address, unless a port is given', () => {
    const config = loadConfig({});
    expect(config.METRICS_PORT).toBeUndefined();
    expect(config.METRICS_HOST).toBe('127.0.0.1');
    expect(loadConfig({ METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' })).toMatchObject({ METRICS_PORT: 9464, METRICS_HOST: '0.0.0.0' });
  });

  it('refuse a port that is not one, naming the variable', () => {
    for (const port of ['0', '65536', 'http', '94.64']) {
      expect(() => loadConfig({ METRICS_PORT: port })).toThrow(ConfigError);
      expect(() => loadConfig({ METRICS_PORT: port })).toThrow(/METRICS_PORT: expected a port from 1 to 65535/);
    }
  });

  it("refuse the port Slack's HTTP mode listens on, but not in Socket Mode", () => {
    const http = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret', PORT: '3000' };
    expect(() => loadConfig({ ...http, METRICS_PORT: '3000' })).toThrow(/METRICS_PORT: Slack's HTTP mode already listens on PORT 3000/);
    expect(loadConfig({ ...http, METRICS_PORT: '9464' }).METRICS_PORT).toBe(9464);
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', METRICS_PORT: '3000' }).METRICS_PORT).toBe(3000);
  });
});
