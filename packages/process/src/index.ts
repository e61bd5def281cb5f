export { runProcess, tail, type ProcessResult, type RunProcessOptions } from './run-process.js';
