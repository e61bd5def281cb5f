/** `@st3/quality-gates/presets`: the shipped gate presets alone, for help text and option checks at start-up. */
export { PRESETS, findPreset, MYPY_PATTERN, type GatePreset } from './presets/presets.js';
