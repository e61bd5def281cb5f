import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AgentsConfigSchema, inferKind, loadKind } from '../src/index.js';
import { finding } from './helpers.js';

const good = `version: 1
default: local
agents:
  local:   {kind: openai, base_url: "http://127.0.0.1:8080/v1", model: "qwen2.5-coder", api_key_env: OPENAI_API_KEY, timeout_seconds: 120, max_tokens: 2048}
  aider:   {kind: command, command: ["tools/agent.sh"], timeout_seconds: 300}
`;

const load = (text: string) => loadKind('.st3/config/agents.yaml', { text });

describe('agents.yaml', () => {
  it('is recognised by its path under .st3/config/', () => {
    expect(inferKind('ws/.st3/config/agents.yaml')?.name).toBe('agents');
    expect(inferKind('C:\\ws\\.st3\\config\\agents.yml')?.name).toBe('agents');
    expect(inferKind('docs/agents.yaml')).toBeUndefined();
  });

  it('accepts the documented example', async () => {
    const r = await load(good);
    expect(r.errors).toEqual([]);
    expect(r.value).toMatchObject({
      default: 'local',
      agents: { local: { kind: 'openai', model: 'qwen2.5-coder' }, aider: { command: ['tools/agent.sh'] } },
    });
  });

  it('locates a default that names no agent', async () => {
    const r = await load(good.replace('default: local', 'default: remote'));
    expect(r.errors.map(finding)).toEqual(['2:10 default: default agent "remote" is not defined under agents']);
    expect(r.errors[0]!.hint).toBe('defined: local, aider');
  });

  it('refuses a bad URL, an unknown field, a key written in the file and an empty command', async () => {
    const r = await load(`version: 1
agents:
  a: {kind: openai, base_url: "127.0.0.1:8080", model: m}
  b: {kind: openai, base_url: "http://x/v1", model: m, api_key: "sk-secret"}
  c: {kind: command, command: []}
  d: {kind: shell, command: [x]}
`);
    const lines = r.errors.map(finding);
    expect(lines.some((l) => l.startsWith('3:') && l.includes('agents.a.base_url'))).toBe(true);
    expect(lines.some((l) => l.startsWith('4:') && l.includes('api_key'))).toBe(true);
    expect(lines.some((l) => l.startsWith('5:') && l.includes('agents.c.command'))).toBe(true);
    expect(lines.some((l) => l.startsWith('6:') && l.includes('agents.d.kind'))).toBe(true);
  });

  it('property: every config built from valid parts parses, and every base_url without a scheme is refused', () => {
    const name = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,12}$/);
    const agent = fc.oneof(
      fc.record({
        kind: fc.constant('openai' as const),
        base_url: fc.webUrl({ validSchemes: ['http', 'https'] }),
        model: fc.string({ minLength: 1, maxLength: 20 }),
      }),
      fc.record({
        kind: fc.constant('command' as const),
        command: fc.array(fc.string({ minLength: 1, maxLength: 10 }), { minLength: 1, maxLength: 4 }),
      }),
    );
    fc.assert(
      fc.property(fc.dictionary(name, agent, { minKeys: 1, maxKeys: 5 }), (agents) => {
        expect(AgentsConfigSchema.safeParse({ version: 1, agents }).success).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.domain(), (host) => {
        const r = AgentsConfigSchema.safeParse({
          version: 1,
          agents: { a: { kind: 'openai', base_url: host, model: 'm' } },
        });
        expect(r.success).toBe(false);
      }),
    );
  });
});
