import type { ErrorCodeInfo } from '../codes.js';

/**
 * Codes owned by the executor's agent loop (st3 execute --agent, st3 review serve); add new ones here
 * (never rename or reuse one). The scheduler's older codes (E_EXEC_*, E_RUN_*, E_REVIEW_*) are in graph.ts.
 */
export const EXECUTOR_CODES = {
  E_AGENT_CONFIG: {
    exit: 2,
    area: 'executor',
    cause:
      '`.st3/config/agents.yaml` is missing, invalid, or no agent was chosen (no `--agent`, no `default:` and no `--agent-url`).',
    fix: 'Fix the file at the reported line (`st3 validate .st3/config/agents.yaml`), pass `--agent NAME`, or define an ad-hoc agent with `--agent-url URL --agent-model M`.',
  },
  E_AGENT_UNKNOWN: {
    exit: 2,
    area: 'executor',
    cause: '`--agent NAME` names an agent that `.st3/config/agents.yaml` does not define.',
    fix: 'Use one of the names listed in the hint, or add the agent under `agents:`.',
  },
  E_AGENT_KEY_MISSING: {
    exit: 2,
    area: 'executor',
    cause: "An `openai` agent's `api_key_env` names an environment variable that is not set (or is empty).",
    fix: 'Export the variable (e.g. `export OPENAI_API_KEY=…`), or drop `api_key_env` for a local server that needs no key.',
  },
  E_AGENT_UNREACHABLE: {
    exit: 3,
    area: 'executor',
    cause: "The agent's server could not be reached (connection refused, unknown host, TLS failure).",
    fix: 'Start the model server (e.g. `llama-server -m model.gguf --port 8080`, `ollama serve`) or correct `base_url`.',
  },
  E_AGENT_HTTP: {
    exit: 3,
    area: 'executor',
    cause:
      'The agent server answered with an HTTP error or a body that is not a Chat Completions response (no `choices[0].message.content`).',
    fix: 'Check the model name and the server log; the message quotes the start of the response body.',
  },
  E_AGENT_COMMAND: {
    exit: 3,
    area: 'executor',
    cause: 'A `command` agent exited with a non-zero status, was killed, or printed nothing.',
    fix: 'Run the command by hand with the prompt on stdin (`$ST3_PROMPT_FILE` names the same prompt) and read its stderr.',
  },
  E_AGENT_ANSWER: {
    exit: 1,
    area: 'executor',
    cause:
      "The agent's answer is neither a fenced code block replacing the atom's lines nor a unified diff that applies to the file.",
    fix: 'The next attempt gets feedback saying what is expected; if every attempt fails, check that the model follows the system prompt.',
  },
  E_ATOM_NOT_FOUND: {
    exit: 1,
    area: 'executor',
    cause:
      "A node's code is no longer in its file (the file changed since it was atomized), so there is nothing to replace.",
    fix: 'Re-atomize (`st3 atomize --json > atoms.json`) or pass the source paths to `st3 execute` so atoms are computed now.',
  },
  E_VALIDATION_FAILED: {
    exit: 1,
    area: 'executor',
    cause:
      'A generated change failed validation: the file does not parse, the atom is not atomic, or a quality gate failed on it in the scratch copy.',
    fix: 'The failure is retried with its messages as feedback; after the last attempt read the messages in the run record (`.st3/runs/<id>.json`).',
  },
  E_APPLY_CONFLICT: {
    exit: 1,
    area: 'executor',
    cause:
      'A change cannot be merged into its file as it is now: lines it replaces were changed by someone else since it was generated.',
    fix: 'Regenerate the node (`st3 review regenerate <id> --feedback …` or run `st3 execute` again); nothing was written.',
  },
  E_REVIEW_SERVE: {
    exit: 3,
    area: 'executor',
    cause: '`st3 review serve` could not listen on the host and port given (port in use, address not available).',
    fix: 'Pick another port with `--port N` (0 = any free port) or stop the other server.',
  },
  E_EXEC_NOTHING: {
    exit: 2,
    area: 'executor',
    cause:
      '`st3 execute` (or the MCP `execute` tool) has no node to run: the graph given is empty, or `--only-matching` (`onlyMatching`) kept none of its nodes. Running nothing establishes nothing, so it is no success.',
    fix: 'Give a graph with nodes, atomizer output or source files that hold functions, or a regular expression that matches the code of the atoms to run (`st3 atomize --json` shows it).',
  },
} as const satisfies Record<string, ErrorCodeInfo>;
