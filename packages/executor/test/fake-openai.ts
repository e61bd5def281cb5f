import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatRequest {
  model: string;
  messages: { role: string; content: string }[];
  temperature?: number;
  max_tokens?: number;
  stream?: boolean;
  [key: string]: unknown;
}

/**
 * A string is the message content (finish_reason "stop"); `{content, finishReason?, usage?}` sets the
 * completion's finish_reason and usage as given; `{status, body}` is a raw HTTP answer.
 */
export type FakeReply =
  | string
  | { status: number; body: string }
  | { delayMs: number; content: string }
  | { content: string; finishReason?: string; usage?: unknown };

export interface FakeOpenAi {
  /** Base URL, `http://127.0.0.1:<port>/v1`. */
  url: string;
  requests: { body: ChatRequest; headers: IncomingMessage['headers'] }[];
  close(): Promise<void>;
}

/**
 * An OpenAI-compatible Chat Completions server on 127.0.0.1 (a free port) for tests: `reply` decides
 * each answer from the request (a string is the message content).
 */
export async function startFakeOpenAi(
  reply: (body: ChatRequest, index: number) => FakeReply | Promise<FakeReply>,
): Promise<FakeOpenAi> {
  const requests: FakeOpenAi['requests'] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      void (async () => {
        if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
          res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
          return;
        }
        const body = JSON.parse(raw) as ChatRequest;
        const index = requests.push({ body, headers: req.headers }) - 1;
        let r = await reply(body, index);
        if (typeof r === 'object' && 'delayMs' in r) {
          const { delayMs, content } = r;
          await new Promise((done) => setTimeout(done, delayMs));
          r = content;
        }
        if (typeof r === 'string') r = { content: r };
        if ('content' in r) {
          const usage =
            'usage' in r ? r.usage : { prompt_tokens: 100 + index, completion_tokens: 20, total_tokens: 120 + index };
          res.writeHead(200, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              id: `cmpl-${index}`,
              object: 'chat.completion',
              model: body.model,
              choices: [
                {
                  index: 0,
                  message: { role: 'assistant', content: r.content },
                  finish_reason: r.finishReason ?? 'stop',
                },
              ],
              usage,
            }),
          );
        } else res.writeHead(r.status, { 'content-type': 'application/json' }).end(r.body);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
