import type { ClassRecord, FunctionRecord } from './types.js';
import { sourceLinesIn } from './lines.js';

/** Fills `loc` (source lines) and `physicalLoc` of functions and classes once every line is classified. */
export function finishLoc(isSource: Uint8Array, functions: FunctionRecord[], classes: ClassRecord[]): void {
  const prefix = new Uint32Array(isSource.length + 1);
  for (let i = 0; i < isSource.length; i++) prefix[i + 1] = prefix[i]! + isSource[i]!;
  const src = (a: number, b: number) =>
    b < a ? 0 : prefix[Math.min(b, isSource.length)]! - prefix[Math.max(0, a - 1)]!;
  for (const f of functions) {
    f.physicalLoc = f.endLine - f.startLine + 1;
    f.loc = src(f.startLine, f.endLine);
  }
  for (const c of classes) c.loc = src(c.startLine, c.endLine);
}

export { sourceLinesIn };

const NONDETERMINISTIC = [
  /^Math\.random$/,
  /^Date\.now$/,
  /^new Date$/,
  /^performance\.now$/,
  /^crypto\.(randomUUID|randomBytes|randomInt|getRandomValues)$/,
  /^(random|secrets)\.\w+$/,
  /^time\.\w+$/,
  /^(datetime\.)?(datetime|date)\.(now|today|utcnow)$/,
  /^uuid\.uuid[14]$/,
  /^(uuid|nanoid|uuidv4|randomUUID)$/,
  /^os\.urandom$/,
];
const IO = [
  /^console\.\w+$/,
  /^(fs|fsp|fs\.promises|promises)\.\w+$/,
  /^(readFile|writeFile|readFileSync|writeFileSync|appendFile|appendFileSync|mkdir|mkdirSync|unlink|unlinkSync|rm|rmSync|open|print|input|fetch|exec|execSync|spawn|spawnSync|execFile|execFileSync)$/,
  /^process\.(stdout|stderr|stdin)\.\w+$/,
  /^process\.(exit|chdir|kill)$/,
  /^(child_process|http|https|net|dgram)\.\w+$/,
  /^(axios|requests|urllib\.request|socket|subprocess|shutil)\.\w+$/,
  /^os\.(remove|unlink|mkdir|makedirs|rmdir|rename|replace|system|popen|chdir)$/,
  /^sys\.(stdout|stderr|stdin)\.\w+$/,
  /^sys\.exit$/,
  /^(logging|logger|log)\.(debug|info|warning|warn|error|critical|exception)$/,
  /^document\.\w+$/,
  /^window\.\w+$/,
  /^localStorage\.\w+$/,
  /^(sessionStorage|indexedDB)\.\w+$/,
  /^\w+\.(write_text|write_bytes|read_text|read_bytes|unlink|mkdir|touch)$/,
];

const NONDETERMINISTIC_RE = new RegExp(NONDETERMINISTIC.map((r) => `(?:${r.source})`).join('|'));
const IO_RE = new RegExp(IO.map((r) => `(?:${r.source})`).join('|'));

/** A call that does not give the same result twice (clock, randomness, ids). */
export function isNondeterministic(callee: string): boolean {
  return NONDETERMINISTIC_RE.test(callee);
}

/** A call that reads or writes the outside world (console, files, network, processes, DOM). */
export function isIoCall(callee: string): boolean {
  return IO_RE.test(callee);
}
