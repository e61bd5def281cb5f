// The process runner moved to @st3/process (one home per job); this path keeps the gate engine's imports working.
export { processResult, runProcess, tail, type ProcessResult, type RunProcessOptions } from '@st3/process';
