import type { ErrorCategory } from '@st3/schemas';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** The node an agent request is about (for command agents' environment and for logs). */
export interface AgentNodeInfo {
  id: string;
  file?: string;
  startLine?: number;
  endLine?: number;
}

export interface AgentRequest {
  messages: ChatMessage[];
  /** The attempt's temperature (0.7 → 0.5 → 0.3 by default). */
  temperature?: number;
  attempt: number;
  node: AgentNodeInfo;
  signal?: AbortSignal;
}

export interface AgentUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  [key: string]: unknown;
}

export interface AgentAnswer {
  text: string;
  usage?: AgentUsage;
  /** The model that answered, when the server says. */
  model?: string;
}

/** Something that turns a prompt into an answer: an OpenAI-compatible server, a command, a test double. */
export interface Agent {
  readonly name: string;
  readonly kind: 'openai' | 'command' | 'custom';
  generate(request: AgentRequest): Promise<AgentAnswer>;
}

/** An agent failure that carries the retry category the classifier should use. */
export interface CategorizedError extends Error {
  category?: ErrorCategory;
  /** The answer the agent refused to use (e.g. cut off by the token limit), kept for the run record. */
  answer?: AgentAnswer;
}
