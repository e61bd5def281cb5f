export { default } from './tooling/src/eslint.js';
