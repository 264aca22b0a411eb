import * as ohm from 'ohm-js';
import { lexicalGrammar } from './lexical-grammar.js';

/**
 * The specification's SQL-like condition syntax, e.g. `device_id NOT IN (blacklist) AND ip_city = '上海'`.
 *
 * - Precedence, loosest first: OR, AND, NOT, then one comparison; parentheses group. Keywords
 *   (AND OR NOT IN TRUE FALSE) are case-insensitive; names are case-sensitive.
 * - Comparison: operand (= | != | <> | < | <= | > | >=) operand, where an operand is a name or a literal; a bare
 *   operand (`is_new_user`, `TRUE`) is a condition too when it is a boolean.
 * - `x [NOT] IN ('a', 'b', 3)` tests membership in literals; `x [NOT] IN (blacklist)`, one bare name inside the
 *   parentheses, in a named list.
 * - Strings in '…' or "…": `''` (resp. `""`) or a backslash escapes the quote; `\\`, `\n`, `\t`, `\r` also work;
 *   no other backslash sequence, and no raw line break, is allowed. Numbers: `-`? digits (`.` digits)?.
 *
 * AND and OR are matched as one flat chain (cheaper for ohm than a rule per precedence level): translate.ts
 * writes the chain in the same order with && and ||, which CEL ranks the same way (&& over ||), so precedence
 * is kept without the grammar spelling it out.
 */
export const sqlGrammar: ohm.Grammar = ohm.grammar(
  String.raw`
  SqlCondition <: ConditionLexical {
    Condition = Not (logicalOp Not)*
    Not = not* Primary
    Primary = "(" Condition ")"  -- paren
            | Comparison
            | Operand
    Comparison = Operand compareOp Operand  -- compare
               | Operand not in "(" identifier ")"  -- notInList
               | Operand in "(" identifier ")"  -- inList
               | Operand not in "(" NonemptyListOf<Literal, ","> ")"  -- notIn
               | Operand in "(" NonemptyListOf<Literal, ","> ")"  -- in
    Operand = Literal | identifier
    Literal = number | string | boolean

    compareOp (a comparison operator) = "<=" | ">=" | "<>" | "!=" | "=" | "<" | ">"
    logicalOp (AND or OR) = and | or
    and = caseInsensitive<"AND"> ~identPart
    or = caseInsensitive<"OR"> ~identPart
    not = caseInsensitive<"NOT"> ~identPart
    in = caseInsensitive<"IN"> ~identPart
    boolean (TRUE or FALSE) = caseInsensitive<"TRUE"> ~identPart  -- true
                            | caseInsensitive<"FALSE"> ~identPart  -- false
    keyword = and | or | not | in | boolean
    identifier (a name) = ~keyword name
    number (a number) = "-"? digits ("." digits)?
    string (a string) = "'" (~("'" | "\\" | "\n" | "\r") any | "''" | escape)* "'"  -- single
                      | "\"" (~("\"" | "\\" | "\n" | "\r") any | "\"\"" | escape)* "\""  -- double
    escape (an escape sequence) = "\\" ("\\" | "'" | "\"" | "n" | "t" | "r")
  }
`,
  { ConditionLexical: lexicalGrammar },
);
