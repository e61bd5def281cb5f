import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorToJson, isSt3Error, St3Error, type ReviewItem, type ReviewStatus } from '@st3/schemas';
import { sliceLines } from '../change/text.js';
import { insideRoot } from '../change/workspace.js';
import { approvedInFile } from '../ledger.js';
import { reviewPage } from './page/html.js';
import type { ReviewService } from './service.js';
import { withSupersededBy } from './superseded.js';

export interface ReviewServerOptions {
  service: ReviewService;
  /** Workspace root (the page shows the atom's current lines from its file). */
  root: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
}

export interface ReviewServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

const STATUSES = new Set<ReviewStatus>(['pending', 'in_review', 'approved', 'rejected', 'needs_regeneration']);
const ACTIONS = new Set(['assign', 'approve', 'reject', 'edit', 'regenerate']);

/** HTTP status of a domain error. */
function statusOf(code: string): number {
  if (code === 'E_REVIEW_NOT_FOUND') return 404;
  if (code === 'E_REVIEW_TRANSITION' || code === 'E_APPLY_CONFLICT' || code === 'E_LOCKED') return 409;
  if (code === 'E_REVIEW_INVALID_EDIT' || code === 'E_VALIDATION_FAILED') return 422;
  if (code === 'E_USAGE' || code === 'E_REVIEW_FEEDBACK_REQUIRED') return 400;
  // A regeneration the agent could not do: the failure is upstream of this server.
  if (code.startsWith('E_AGENT_')) return 502;
  return 500;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  if (!/^application\/json\b/.test(req.headers['content-type'] ?? ''))
    throw new St3Error('E_USAGE', 'send the action as JSON (content-type: application/json)');
  let raw = '';
  for await (const chunk of req) {
    raw += (chunk as Buffer).toString('utf8');
    if (raw.length > 1_000_000) throw new St3Error('E_USAGE', 'request body too large');
  }
  if (raw.trim() === '') return {};
  const value = JSON.parse(raw) as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new St3Error('E_USAGE', 'the body must be a JSON object {reviewer?, feedback?, code?}');
  return value as Record<string, unknown>;
}

const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

function sortItems(items: ReviewItem[], sort: string): ReviewItem[] {
  const byDate = (a: ReviewItem, b: ReviewItem) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0);
  if (sort === 'confidence') return [...items].sort((a, b) => a.confidence.score - b.confidence.score || byDate(a, b));
  if (sort === 'date') return [...items].sort(byDate);
  return items; // the queue's own order: priority, then lowest confidence
}

/**
 * The review page and its REST API over a review service (the same calls `st3 review` makes):
 * `GET /` the page; `GET /api/review/queue?status=&sort=priority|confidence|date&q=`;
 * `GET /api/review/items/:id` (items as `st3 review list --json` gives them: `inFile`, `supersededBy`); `POST /api/review/items/:id/{assign,approve,reject,edit,regenerate}`
 * with a JSON body `{reviewer?, feedback?, code?}`; `GET /api/review/statistics`. Domain errors are
 * `{ok: false, error: {code, message, hint}}` with 400/404/409/422. Only JSON POSTs change anything,
 * and requests naming another host are refused (DNS rebinding).
 */
export async function startReviewServer(options: ReviewServerOptions): Promise<ReviewServer> {
  const host = options.host ?? '127.0.0.1';
  const ctx: ServerContext = { service: options.service, root: options.root, origin: '' };
  const server = createServer((req, res) => {
    handleRequest(ctx, req, res).catch((error: unknown) => sendFailure(res, error));
  });
  await listen(server, host, options.port);
  // Requests only arrive once listening, so the origin is known before any is handled.
  ctx.origin = originOf(server);
  return {
    url: `${ctx.origin}/`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What the request handlers share; `origin` is set once the server listens. */
interface ServerContext {
  service: ReviewService;
  root: string;
  origin: string;
}

/** JSON body of a handled API request (sent with 200, or with the status of its error when `ok` is false). */
type ApiBody = Record<string, unknown>;

/** Routes one request: Host check, the page, then the API; anything else is a 404. */
async function handleRequest(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', ctx.origin);
  if (!hostAllowed(req, url))
    return send(res, 403, { ok: false, error: { code: 'E_USAGE', message: `unexpected Host ${req.headers.host}` } });
  if (req.method === 'GET' && (url.pathname === '/' || url.pathname === '/index.html')) return sendPage(res);
  const parts = url.pathname.split('/').filter(Boolean);
  if (parts[0] !== 'api' || parts[1] !== 'review')
    return send(res, 404, { ok: false, error: { code: 'E_USAGE', message: 'not found' } });
  const body = await routeApi(ctx, req, url, parts);
  if (body) return send(res, body.ok === false ? statusOf(String((body.error as { code?: unknown }).code)) : 200, body);
  return send(res, 404, { ok: false, error: { code: 'E_USAGE', message: `no route ${req.method} ${url.pathname}` } });
}

/** A request naming another host is refused: a DNS-rebinding page must not reach the API. */
function hostAllowed(req: IncomingMessage, url: URL): boolean {
  const allowedHosts = new Set([url.host, `localhost:${url.port}`, `127.0.0.1:${url.port}`]);
  return !req.headers.host || allowedHosts.has(req.headers.host);
}

function sendPage(res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy':
      "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:",
    'cache-control': 'no-store',
  });
  res.end(reviewPage());
}

/** The body of an `/api/review/...` route, or undefined when no route matches. */
async function routeApi(
  ctx: ServerContext,
  req: IncomingMessage,
  url: URL,
  parts: string[],
): Promise<ApiBody | undefined> {
  if (req.method === 'GET' && parts[2] === 'queue' && parts.length === 3) return queueListing(ctx, url);
  if (req.method === 'GET' && parts[2] === 'statistics' && parts.length === 3)
    return { ok: true, statistics: await ctx.service.queue.stats() };
  if (parts[2] === 'items' && parts[3]) {
    const id = decodeURIComponent(parts[3]);
    if (req.method === 'GET' && parts.length === 4) return { ok: true, item: await itemDetail(ctx, id) };
    if (req.method === 'POST' && parts.length === 5 && ACTIONS.has(parts[4]!))
      return itemAction(ctx, id, parts[4]!, await jsonBody(req));
  }
  return undefined;
}

/** `GET /api/review/queue`: the items, filtered by status and text, in the asked order. */
async function queueListing(ctx: ServerContext, url: URL): Promise<ApiBody> {
  const status = url.searchParams.get('status') ?? '';
  if (status && !STATUSES.has(status as ReviewStatus))
    throw new St3Error('E_USAGE', `unknown status "${status}"`, { hint: [...STATUSES].join(', ') });
  const sort = url.searchParams.get('sort') ?? 'priority';
  if (!['priority', 'confidence', 'date'].includes(sort))
    throw new St3Error('E_USAGE', `unknown sort "${sort}"`, { hint: 'priority, confidence or date' });
  const q = (url.searchParams.get('q') ?? '').toLowerCase();
  const items = (await ctx.service.queue.list(status ? { status: status as ReviewStatus } : {})).filter(
    (i) => !q || [i.id, i.nodeId, i.file ?? '', i.code].some((t) => t.toLowerCase().includes(q)),
  );
  return { ok: true, items: await listed(ctx, sortItems(items, sort)) };
}

/**
 * The items as `st3 review list --json` gives them: `inFile` on approved items that wrote code (held,
 * reverted, superseded, not checked: the ledger's rule) and `supersededBy` on rejected ones a later run
 * settled. Without `inFile` the page would call code reverted since "written to the file".
 */
async function listed(ctx: ServerContext, items: readonly ReviewItem[]) {
  const { queue } = ctx.service;
  const inFile = await approvedInFile(join(ctx.root, '.st3', 'runs'), queue, items, { root: ctx.root });
  return items.map((i) => withSupersededBy(inFile[i.id] ? { ...i, inFile: inFile[i.id] } : i));
}

/** An item with the code it replaces: its recorded original, else the atom's current lines in its file. */
async function itemDetail(ctx: ServerContext, id: string) {
  const item = await ctx.service.queue.get(id);
  let current: string | undefined;
  if (item.file && item.startLine) {
    const text = await readFile(insideRoot(ctx.root, item.file), 'utf8').catch(() => undefined);
    if (text !== undefined && item.originalCode === undefined)
      current = sliceLines(text, item.startLine, item.endLine ?? item.startLine);
  }
  const [shown] = await listed(ctx, [item]);
  return { ...shown!, original: item.originalCode ?? current ?? '' };
}

/** `POST /api/review/items/:id/:action` with its JSON body: runs the review service's action. */
async function itemAction(
  ctx: ServerContext,
  id: string,
  action: string,
  body: Record<string, unknown>,
): Promise<ApiBody> {
  const { service } = ctx;
  const by = str(body.reviewer);
  const feedback = str(body.feedback);
  const opts = { ...(by ? { by } : {}), ...(feedback ? { feedback } : {}) };
  switch (action) {
    case 'assign':
      if (!by) throw new St3Error('E_USAGE', 'a reviewer name is required', { hint: 'send {"reviewer": "name"}' });
      return { ok: true, item: await service.assign(id, by) };
    case 'approve':
      return { ok: true, item: await service.approve(id, opts) };
    case 'reject':
      return { ok: true, item: await service.reject(id, opts) };
    case 'edit': {
      if (typeof body.code !== 'string') throw new St3Error('E_USAGE', 'send the edited code as {"code": "…"}');
      return { ok: true, item: await service.edit(id, body.code, opts) };
    }
    default: {
      const r = await service.regenerate(id, opts);
      // A regeneration that made no new code is no success: the page shows its error.
      if (r.failure) {
        const { code, message, hint, ...details } = r.failure;
        return { ok: false, item: r.item, regenerated: false, error: { code, message, hint, details } };
      }
      return { ok: true, item: r.item, regenerated: r.regenerated };
    }
  }
}

/** A failed request: its error as JSON with the status of its code (only if nothing was sent yet). */
function sendFailure(res: ServerResponse, error: unknown): void {
  const json = isSt3Error(error)
    ? errorToJson(error)
    : error instanceof SyntaxError
      ? { code: 'E_USAGE', message: `the body is not JSON: ${error.message}` }
      : { code: 'E_INTERNAL', message: (error as Error)?.message ?? String(error) };
  if (!res.headersSent) send(res, statusOf(json.code), { ok: false, error: json });
  else res.end();
}

/** Listens on host:port (0 = any free port); failing to is an E_REVIEW_SERVE. */
function listen(server: Server, host: string, port: number | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new St3Error('E_REVIEW_SERVE', `cannot listen on ${host}:${port ?? 0}: ${error.code ?? error.message}`, {
          hint: 'pick another port with --port N (0 = any free port)',
          cause: error,
        }),
      ),
    );
    server.listen(port ?? 0, host, () => resolve());
  });
}

/** `http://host:port` of a listening server (an IPv6 address in brackets). */
function originOf(server: Server): string {
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${shown}:${address.port}`;
}
