import { runJob } from '../chunk-JTNCTELL.js';
import { parentPort } from 'worker_threads';

parentPort?.on("message", (msg) => {
  runJob(msg.job).then(
    (result) => parentPort.postMessage({ id: msg.id, result }),
    (error) => parentPort.postMessage({ id: msg.id, error: { message: error.message, code: error.code } })
  );
});
//# sourceMappingURL=worker.js.map
//# sourceMappingURL=worker.js.map