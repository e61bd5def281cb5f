import { defineTsup } from '@st3/tooling/tsup';
export default defineTsup();
