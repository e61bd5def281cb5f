import { parentPort } from 'node:worker_threads';
import { errorToJson } from '@st3/schemas';
import type { FromWorker, ToWorker } from './offload.js';
import { TOOLS } from './registry.js';
import { asSt3Error } from './results.js';

/**
 * A worker thread of the offload pool: runs the handler of a CPU-heavy tool, relaying its progress,
 * and aborts its signal when the call is cancelled.
 */
const port = parentPort!;
const byName = new Map(TOOLS.map((t) => [t.name, t]));
const running = new Map<number, AbortController>();
const send = (msg: FromWorker) => port.postMessage(msg);

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'cancel') {
    running.get(msg.id)?.abort(msg.reason);
    return;
  }
  const controller = new AbortController();
  running.set(msg.id, controller);
  void (async () => {
    try {
      const tool = byName.get(msg.tool);
      if (!tool) throw new Error(`no tool ${msg.tool} in the worker`);
      const value: unknown = await tool.run(msg.args, {
        root: msg.root,
        signal: controller.signal,
        progress: (step) => send({ type: 'progress', id: msg.id, step }),
      });
      send({ type: 'result', id: msg.id, value });
    } catch (error) {
      send({ type: 'error', id: msg.id, error: errorToJson(asSt3Error(error)) });
    } finally {
      running.delete(msg.id);
    }
  })();
});
