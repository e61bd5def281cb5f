import { countJsonParse, St3Error, type ErrorCategory, type TelemetryHandle } from '@st3/schemas';
import { CUT_OFF } from './failure.js';
import type { Agent, AgentAnswer, AgentRequest, AgentUsage } from './types.js';

export interface OpenAiAgentOptions {
  name?: string;
  /** e.g. `http://127.0.0.1:8080/v1`; requests go to `{baseUrl}/chat/completions`. */
  baseUrl: string;
  model: string;
  /** Sent as `Authorization: Bearer <apiKey>` (local servers usually need none). */
  apiKey?: string;
  /** Per request (default 120 s). */
  timeoutMs?: number;
  maxTokens?: number;
  /** Merged into every request body. */
  extraBody?: Record<string, unknown>;
  /** The fetch to use (default: the global one); tests and proxies pass their own. */
  fetch?: typeof fetch;
  /** Counts every answer's JSON parse from `executor:agent` (the `json_parse_failures` criterion). */
  telemetry?: TelemetryHandle;
}

/** Codes of network failures that mean "nobody is listening there". */
const UNREACHABLE = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|EHOSTUNREACH|ENETUNREACH|UND_ERR_SOCKET|certificate/i;

function categorized(error: St3Error, category: ErrorCategory): St3Error {
  return Object.assign(error, { category });
}

/** Text of the network error and its causes (undici nests the real reason in `cause`). */
function causeText(error: unknown): string {
  const parts: string[] = [];
  for (let e = error as { message?: string; code?: string; cause?: unknown } | undefined, i = 0; e && i < 5; i++) {
    parts.push([e.code, e.message].filter(Boolean).join(' '));
    e = e.cause as typeof e;
  }
  return parts.join(': ');
}

/**
 * An agent speaking the OpenAI-compatible Chat Completions API with plain `fetch` (no SDK):
 * OpenAI, llama.cpp's `llama-server`, vLLM, Ollama (`/v1`), LM Studio. One request per attempt,
 * `stream: false`; the attempt's temperature goes in `temperature`. Failures are St3Errors with a
 * retry category: unreachable server and 401/403/404 are `dependency` (not retried), a timeout is
 * `timeout`, 408/429/5xx are retried, a context overflow is `context`.
 */
export function createOpenAiAgent(options: OpenAiAgentOptions): Agent {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 120_000;
  return {
    name: options.name ?? options.model,
    kind: 'openai',
    async generate(request: AgentRequest): Promise<AgentAnswer> {
      const body = {
        model: options.model,
        messages: request.messages,
        ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
        ...(options.maxTokens !== undefined ? { max_tokens: options.maxTokens } : {}),
        stream: false,
        ...options.extraBody,
      };
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
      let response: Response;
      try {
        response = await doFetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
          },
          body: JSON.stringify(body),
          signal,
        });
      } catch (error) {
        if (request.signal?.aborted) throw request.signal.reason ?? error;
        if (timeout.aborted)
          throw categorized(new St3Error('E_TIMEOUT', `${url} did not answer within ${timeoutMs} ms`), 'timeout');
        const text = causeText(error);
        throw categorized(
          new St3Error('E_AGENT_UNREACHABLE', `cannot reach ${url}: ${text}`, {
            hint: 'start the model server or correct base_url',
            cause: error,
          }),
          UNREACHABLE.test(text) ? 'dependency' : 'unknown',
        );
      }
      let text: string;
      try {
        text = await response.text();
      } catch (error) {
        if (request.signal?.aborted) throw request.signal.reason ?? error;
        throw categorized(
          new St3Error('E_TIMEOUT', `${url} stopped sending its answer: ${(error as Error).message}`),
          'timeout',
        );
      }
      if (!response.ok) throw httpError(url, response.status, text);
      return parseCompletion(url, text, options.telemetry);
    },
  };
}

function httpError(url: string, status: number, body: string): St3Error {
  const snippet = body.replace(/\s+/g, ' ').trim().slice(0, 300);
  const message = `${url} answered HTTP ${status}${snippet ? `: ${snippet}` : ''}`;
  const error = new St3Error('E_AGENT_HTTP', message, {
    hint:
      status === 401 || status === 403
        ? 'check the API key (api_key_env)'
        : status === 404
          ? 'check base_url (it usually ends in /v1) and the model name'
          : undefined,
    details: { status },
  });
  if (/context|too many tokens|maximum.*tokens|too long/i.test(snippet) && status === 400)
    return categorized(error, 'context');
  if (status === 401 || status === 403 || status === 404) return categorized(error, 'dependency');
  return categorized(error, 'unknown');
}

/** `choices[0].message.content` of a Chat Completions response (string or an array of text parts). */
export function parseCompletion(url: string, text: string, telemetry?: TelemetryHandle): AgentAnswer {
  let json: unknown;
  try {
    json = JSON.parse(text);
    countJsonParse(telemetry, 'executor:agent', true);
  } catch {
    countJsonParse(telemetry, 'executor:agent', false);
    throw categorized(
      new St3Error('E_AGENT_HTTP', `${url} answered with something that is not JSON: ${text.slice(0, 200)}`),
      'unknown',
    );
  }
  const choice = (json as { choices?: { message?: { content?: unknown }; finish_reason?: unknown }[] }).choices?.[0];
  const content = choice?.message?.content;
  const textOut =
    typeof content === 'string'
      ? content
      : Array.isArray(content)
        ? content
            .map((p: unknown) =>
              typeof (p as { text?: unknown }).text === 'string' ? (p as { text: string }).text : '',
            )
            .join('')
        : undefined;
  if (textOut === undefined)
    throw categorized(
      new St3Error('E_AGENT_HTTP', `${url} answered without choices[0].message.content: ${text.slice(0, 200)}`),
      'unknown',
    );
  const usage = usageOf((json as { usage?: unknown }).usage);
  const model = (json as { model?: unknown }).model;
  const answer: AgentAnswer = {
    text: textOut,
    ...(usage ? { usage } : {}),
    ...(typeof model === 'string' ? { model } : {}),
  };
  const cut = cutOff(choice?.finish_reason, url);
  if (cut) throw Object.assign(cut, { answer });
  return answer;
}

/**
 * A `finish_reason` saying the server stopped the answer before the model finished: `length` (the
 * token limit) or `content_filter`. What is left may still hold a fence that parses (the original
 * code quoted before the cut-off implementation, say), so it must never be taken as the answer: it is
 * an E_AGENT_ANSWER of category `context`, retried like any unusable answer.
 */
function cutOff(reason: unknown, url: string): St3Error | undefined {
  if (reason !== 'length' && reason !== 'content_filter') return undefined;
  const why =
    reason === 'length'
      ? 'it reached the token limit (finish_reason "length")'
      : 'the server\'s content filter stopped it (finish_reason "content_filter")';
  return categorized(
    new St3Error('E_AGENT_ANSWER', `The answer from ${url} ${CUT_OFF}: ${why}; a partial answer is never used.`, {
      hint:
        reason === 'length'
          ? "raise max_tokens (or the server's output limit) for this agent, or ask for a diff of the atom only"
          : 'check the server log for what the filter matched',
      details: { finishReason: reason },
    }),
    'context',
  );
}

/**
 * The usage a server reported, keeping only counts that are non-negative numbers: some servers send
 * `null` for what they did not count, and the run record (whose schema wants numbers) must not fail on it.
 */
function usageOf(raw: unknown): AgentUsage | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const out: AgentUsage = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>))
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) out[key] = value;
  return Object.keys(out).length > 0 ? out : undefined;
}
