import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorToJson, isSt3Error, St3Error, type ReviewItem, type ReviewStatus } from '@st3/schemas';
import { sliceLines } from '../change/text.js';
import { insideRoot } from '../change/workspace.js';
import { reviewPage } from './page/html.js';
import type { ReviewService } from './service.js';

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
 * `GET /api/review/items/:id`; `POST /api/review/items/:id/{assign,approve,reject,edit,regenerate}`
 * with a JSON body `{reviewer?, feedback?, code?}`; `GET /api/review/statistics`. Domain errors are
 * `{ok: false, error: {code, message, hint}}` with 400/404/409/422. Only JSON POSTs change anything,
 * and requests naming another host are refused (DNS rebinding).
 */
export async function startReviewServer(options: ReviewServerOptions): Promise<ReviewServer> {
  const host = options.host ?? '127.0.0.1';
  const { service, root } = options;
  let origin = '';

  const detail = async (id: string) => {
    const item = await service.queue.get(id);
    let current: string | undefined;
    if (item.file && item.startLine) {
      const text = await readFile(insideRoot(root, item.file), 'utf8').catch(() => undefined);
      if (text !== undefined && item.originalCode === undefined)
        current = sliceLines(text, item.startLine, item.endLine ?? item.startLine);
    }
    return { ...item, original: item.originalCode ?? current ?? '' };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', origin);
    const allowedHosts = new Set([url.host, `localhost:${url.port}`, `127.0.0.1:${url.port}`]);
    if (req.headers.host && !allowedHosts.has(req.headers.host))
      return send(res, 403, { ok: false, error: { code: 'E_USAGE', message: `unexpected Host ${req.headers.host}` } });
    const parts = url.pathname.split('/').filter(Boolean);
    if (req.method === 'GET' && (url.pathname === '/' || url.pathname === '/index.html')) {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy':
          "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:",
        'cache-control': 'no-store',
      });
      return res.end(reviewPage());
    }
    if (parts[0] !== 'api' || parts[1] !== 'review')
      return send(res, 404, { ok: false, error: { code: 'E_USAGE', message: 'not found' } });
    if (req.method === 'GET' && parts[2] === 'queue' && parts.length === 3) {
      const status = url.searchParams.get('status') ?? '';
      if (status && !STATUSES.has(status as ReviewStatus))
        throw new St3Error('E_USAGE', `unknown status "${status}"`, { hint: [...STATUSES].join(', ') });
      const sort = url.searchParams.get('sort') ?? 'priority';
      if (!['priority', 'confidence', 'date'].includes(sort))
        throw new St3Error('E_USAGE', `unknown sort "${sort}"`, { hint: 'priority, confidence or date' });
      const q = (url.searchParams.get('q') ?? '').toLowerCase();
      const items = (await service.queue.list(status ? { status: status as ReviewStatus } : {})).filter(
        (i) => !q || [i.id, i.nodeId, i.file ?? '', i.code].some((t) => t.toLowerCase().includes(q)),
      );
      return send(res, 200, { ok: true, items: sortItems(items, sort) });
    }
    if (req.method === 'GET' && parts[2] === 'statistics' && parts.length === 3)
      return send(res, 200, { ok: true, statistics: await service.queue.stats() });
    if (parts[2] === 'items' && parts[3]) {
      const id = decodeURIComponent(parts[3]);
      if (req.method === 'GET' && parts.length === 4) return send(res, 200, { ok: true, item: await detail(id) });
      if (req.method === 'POST' && parts.length === 5 && ACTIONS.has(parts[4]!)) {
        const body = await jsonBody(req);
        const by = str(body.reviewer);
        const feedback = str(body.feedback);
        const opts = { ...(by ? { by } : {}), ...(feedback ? { feedback } : {}) };
        switch (parts[4]) {
          case 'assign':
            if (!by)
              throw new St3Error('E_USAGE', 'a reviewer name is required', { hint: 'send {"reviewer": "name"}' });
            return send(res, 200, { ok: true, item: await service.assign(id, by) });
          case 'approve':
            return send(res, 200, { ok: true, item: await service.approve(id, opts) });
          case 'reject':
            return send(res, 200, { ok: true, item: await service.reject(id, opts) });
          case 'edit': {
            if (typeof body.code !== 'string') throw new St3Error('E_USAGE', 'send the edited code as {"code": "…"}');
            return send(res, 200, { ok: true, item: await service.edit(id, body.code, opts) });
          }
          default: {
            const r = await service.regenerate(id, opts);
            return send(res, 200, { ok: true, item: r.item, regenerated: r.regenerated });
          }
        }
      }
    }
    return send(res, 404, { ok: false, error: { code: 'E_USAGE', message: `no route ${req.method} ${url.pathname}` } });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const json = isSt3Error(error)
        ? errorToJson(error)
        : error instanceof SyntaxError
          ? { code: 'E_USAGE', message: `the body is not JSON: ${error.message}` }
          : { code: 'E_INTERNAL', message: (error as Error)?.message ?? String(error) };
      if (!res.headersSent) send(res, statusOf(json.code), { ok: false, error: json });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new St3Error(
          'E_REVIEW_SERVE',
          `cannot listen on ${host}:${options.port ?? 0}: ${error.code ?? error.message}`,
          {
            hint: 'pick another port with --port N (0 = any free port)',
            cause: error,
          },
        ),
      ),
    );
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  origin = `http://${shown}:${address.port}`;
  return {
    url: `${origin}/`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
