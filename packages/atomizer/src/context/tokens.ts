/**
 * Token estimates for budgets: conservative, so a context said to fit a budget does fit it.
 *
 * - ASCII characters: 4 per token (the usual figure for code and English with GPT-style tokenizers).
 * - Any other code point of the Basic Multilingual Plane (accented Latin, Cyrillic, Greek, Arabic,
 *   CJK, Hangul…): 1 token each. Byte-level BPE tokenizers (cl100k, o200k) spend about one token or
 *   more on a CJK character and 2–3 characters per token on other scripts, so this errs on the safe
 *   side; counting these characters at 4 per token undercounted CJK four-fold.
 * - Code points beyond it (emoji, rare CJK: 4 bytes of UTF-8): 2 tokens each.
 */
const ASCII_PER_TOKEN = 4;
const BMP_TOKENS = 1;
const ASTRAL_TOKENS = 2;

/**
 * The unrounded token weight of `text` (the sum over its characters). Multiples of 1/4, so sums
 * and differences of weights are exact.
 */
export function tokenWeight(text: string): number {
  let ascii = 0;
  let other = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) ascii++;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        other += ASTRAL_TOKENS;
        i++;
      } else other += BMP_TOKENS;
    } else other += BMP_TOKENS;
  }
  return ascii / ASCII_PER_TOKEN + other;
}

/** Estimated tokens of `text`, rounded up (for pure ASCII: characters / 4). */
export function estimateTokens(text: string): number {
  return Math.ceil(tokenWeight(text));
}
