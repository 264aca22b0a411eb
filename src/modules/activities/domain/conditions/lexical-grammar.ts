import * as ohm from 'ohm-js';

/**
 * Tokens shared by both condition dialects (sql-grammar.ts, cel-grammar.ts inherit from it): names are ASCII
 * only, like CEL's, so a Chinese word is always a string literal, never a name. Whitespace is ohm's default
 * `space` (every code point up to U+0020); other control characters are refused before parsing (limits.ts).
 */
export const lexicalGrammar: ohm.Grammar = ohm.grammar(String.raw`
  ConditionLexical {
    name (a name) = ("a".."z" | "A".."Z" | "_") ("a".."z" | "A".."Z" | "_" | "0".."9")*
    identPart = "a".."z" | "A".."Z" | "_" | "0".."9"
    digits = "0".."9"+
  }
`);
