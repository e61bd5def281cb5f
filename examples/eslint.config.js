// ESLint for the example workspace: the recommended JavaScript and TypeScript rules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.st3/', 'py/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
);
