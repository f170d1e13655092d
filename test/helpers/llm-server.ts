import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A chat completion's messages, as the fake received them. */
export type LlmMessages = { role: string; content: string }[];

export type LlmBehaviour =
  /** `content` may be worked out from the request's messages (a translation of what was sent, say). */
  | { kind: 'reply'; content: string | ((messages: LlmMessages) => string); tokens?: number; delayMs?: number }
  | { kind: 'status'; status: number; headers?: Record<string, string> }
  | { kind: 'not-json' };

/** A local OpenAI-compatible server: POST /v1/chat/completions answers as told, and records each request. */
export class FakeLlmServer {
  readonly requests: { authorization: string | undefined; body: { model: string; messages: LlmMessages } }[] = [];
  behaviour: LlmBehaviour = { kind: 'reply', content: '{"summary": "ok"}' };
  private server: Server | null = null;

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/v1`;
  }

  async listen(): Promise<this> {
    this.server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk));
      req.on('end', () => {
        if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return void res.writeHead(404).end();
        this.requests.push({ authorization: req.headers.authorization, body: JSON.parse(raw) as FakeLlmServer['requests'][number]['body'] });
        const behaviour = this.behaviour;
        if (behaviour.kind === 'status') return void res.writeHead(behaviour.status, behaviour.headers).end('{"error": "nope"}');
        if (behaviour.kind === 'not-json') return void res.writeHead(200, { 'content-type': 'application/json' }).end('<html>oops</html>');
        const body = this.requests.at(-1)!.body;
        const content = typeof behaviour.content === 'function' ? behaviour.content(body.messages) : behaviour.content;
        const reply = JSON.stringify({
          choices: [{ message: { role: 'assistant', content } }],
          usage: { total_tokens: behaviour.tokens ?? 100 },
        });
        setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(reply), behaviour.delayMs ?? 0);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/**
 * A model that translates by marking: the title and summary it was sent come back as `【中】…` (or as
 * `translate` makes them), and a summary request gets a summary. What a test can recognise, exactly.
 */
export function markingTranslator(translate: (text: string) => string = (text) => (text ? `【中】${text}` : '')): LlmBehaviour {
  return {
    kind: 'reply',
    content: (messages) => {
      const [system, user] = [messages[0]?.content ?? '', messages[1]?.content ?? ''];
      if (!system.startsWith('You translate')) return JSON.stringify({ summary: 'A model summary.' });
      const between = (tag: string) => new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(user)?.[1] ?? '';
      return JSON.stringify({ title: translate(between('title')), summary: translate(between('summary')) });
    },
  };
}
