import { checkVariant, resolveAtomOptions, runJob } from './chunk-JTNCTELL.js';
export { CACHE_VERSION, CRITERIA, SUPPORTED_LANGUAGES, analyzeSource, atomizeParsed, atomizeSource, checkVariant, decodeSource, detectLanguage, isIoCall, isNondeterministic, isSkipped, isSupportedLanguage, languageFromShebang, looksBinary, measureSource, resolveAtomOptions } from './chunk-JTNCTELL.js';
import { statSync, existsSync, readFileSync } from 'fs';
import { availableParallelism } from 'os';
import { resolve, isAbsolute, join, relative, sep, dirname } from 'path';
import { fileURLToPath } from 'url';
import { Worker } from 'worker_threads';
import { St3Error } from '@st3/schemas';
import ignore from 'ignore';
import { glob } from 'tinyglobby';

var SOURCE_GLOB = "**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs,py,pyi}";
var ALWAYS_IGNORED = ["**/node_modules/**", "**/.git/**", "**/.st3/cache/**"];
var GitIgnore = class {
  constructor(root) {
    this.root = root;
  }
  root;
  perDir = /* @__PURE__ */ new Map();
  rulesOf(dir) {
    let rules = this.perDir.get(dir);
    if (rules !== void 0) return rules;
    const file = join(dir, ".gitignore");
    rules = null;
    if (existsSync(file)) {
      try {
        rules = ignore().add(readFileSync(file, "utf8"));
      } catch {
        rules = null;
      }
    }
    if (dir === this.root) {
      const exclude = join(dir, ".git", "info", "exclude");
      if (existsSync(exclude)) rules = (rules ?? ignore()).add(readFileSync(exclude, "utf8"));
    }
    this.perDir.set(dir, rules);
    return rules;
  }
  ignores(absFile) {
    let dir = dirname(absFile);
    const chain = [];
    while (dir.startsWith(this.root)) {
      chain.push(dir);
      if (dir === this.root) break;
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
    for (const d of chain.reverse()) {
      const rules = this.rulesOf(d);
      if (!rules) continue;
      const rel = relative(d, absFile).split(sep).join("/");
      if (rel && rules.ignores(rel)) return true;
      const parts = rel.split("/");
      for (let i = 1; i < parts.length; i++) if (rules.ignores(`${parts.slice(0, i).join("/")}/`)) return true;
    }
    return false;
  }
};
async function findSourceFiles(patterns, cwd, options = {}) {
  const root = resolve(cwd);
  const git = options.gitignore === false ? void 0 : new GitIgnore(root);
  const out = /* @__PURE__ */ new Set();
  const missing = [];
  for (const pattern of patterns) {
    const abs = isAbsolute(pattern) ? pattern : resolve(root, pattern);
    let stat;
    try {
      stat = statSync(abs);
    } catch {
      stat = void 0;
    }
    if (stat?.isFile()) {
      out.add(abs);
      continue;
    }
    const isDir = stat?.isDirectory() === true;
    if (!isDir && !/[*?[\]{}]/.test(pattern)) {
      missing.push(pattern);
      continue;
    }
    const base = isDir ? abs : root;
    const found = await glob(isDir ? [SOURCE_GLOB] : [pattern], { cwd: base, absolute: true, ignore: ALWAYS_IGNORED, dot: false, followSymbolicLinks: false });
    for (const f of found) {
      const file = resolve(f);
      if (git && git.ignores(file)) continue;
      out.add(file);
    }
  }
  return { files: [...out].sort(), missing };
}

// src/project/project.ts
function workerUrl() {
  for (const rel of ["./project/worker.js", "./worker.js"]) {
    const url = new URL(rel, import.meta.url);
    if (url.protocol === "file:" && existsSync(fileURLToPath(url))) return url;
  }
  return void 0;
}
async function* atomizeProject(patterns, options = {}) {
  const cwd = resolve(options.cwd ?? process.cwd());
  const mode = options.mode ?? "atomize";
  checkVariant(options.complexityVariant);
  if (mode === "atomize") resolveAtomOptions(options);
  const { files, missing } = await findSourceFiles(patterns, cwd, { gitignore: options.gitignore });
  if (missing.length > 0) throw new St3Error("E_FILE_NOT_FOUND", `no such file or folder: ${missing.join(", ")}`, { hint: "paths are resolved from --cwd" });
  const jobOptions = { language: options.language, complexityVariant: options.complexityVariant, targetLoc: options.targetLoc, maxLoc: options.maxLoc, maxComplexity: options.maxComplexity };
  const cacheDir = options.cache === false ? void 0 : resolve(cwd, options.cache ?? join(".st3", "cache", "atomizer"));
  const jobs = files.map((file) => {
    const rel = relative(cwd, file);
    const path = rel.startsWith("..") ? file : rel.split(sep).join("/");
    return { file, path, mode, options: jobOptions, cacheDir };
  });
  const total = jobs.length;
  let done = 0;
  const report = (r) => options.onProgress?.({ done: ++done, total, path: r.path, cached: r.cached });
  const url = workerUrl();
  const wanted = options.workers ?? (total >= 16 ? Math.min(4, availableParallelism()) : 0);
  const count = url ? Math.min(wanted, total) : 0;
  if (count <= 0) {
    for (const job of jobs) {
      if (options.signal?.aborted) throw new St3Error("E_INTERRUPTED", "atomize was cancelled");
      const r = await runJob(job);
      report(r);
      yield r;
    }
    return;
  }
  yield* runPool(jobs, count, url, report, options.signal);
}
async function* runPool(jobs, count, url, report, signal) {
  const workers = [];
  const ready = [];
  let failure;
  let wake;
  let next = 0;
  let pending = 0;
  const notify = () => {
    wake?.();
    wake = void 0;
  };
  const feed = (w) => {
    if (next >= jobs.length || failure || signal?.aborted) return;
    const id = next++;
    pending++;
    w.postMessage({ id, job: jobs[id] });
  };
  try {
    for (let i = 0; i < count; i++) {
      const w = new Worker(url);
      w.on("message", (msg) => {
        pending--;
        if (msg.error) failure = new St3Error(msg.error.code ?? "E_INTERNAL", msg.error.message);
        else {
          report(msg.result);
          ready.push(msg.result);
        }
        feed(w);
        notify();
      });
      w.on("error", (e) => {
        failure = e;
        notify();
      });
      workers.push(w);
      feed(w);
    }
    while (pending > 0 || ready.length > 0) {
      if (ready.length === 0) await new Promise((r) => wake = r);
      if (failure) throw failure;
      if (signal?.aborted) throw new St3Error("E_INTERRUPTED", "atomize was cancelled");
      while (ready.length > 0) yield ready.shift();
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

export { atomizeProject, findSourceFiles };
//# sourceMappingURL=index.js.map
//# sourceMappingURL=index.js.map