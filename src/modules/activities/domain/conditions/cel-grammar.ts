import * as ohm from 'ohm-js';
import { lexicalGrammar } from './lexical-grammar.js';

/**
 * CEL expression syntax (https://github.com/google/cel-spec/blob/master/doc/langdef.md#syntax), used only to
 * report CEL syntax errors at the right column: valid CEL is parsed by @bufbuild/cel directly (compile.ts), but
 * when that fails its parser reports where it last backtracked, often an operator before the real mistake
 * (`ip_city == ` at the `==`), while ohm reports the rightmost failure (the end), and compile.ts compares that
 * position with the SQL-like grammar's to pick which dialect's error to show.
 *
 * Binary operators form one flat chain: which one binds tighter changes the tree, not which texts are CEL, and
 * @bufbuild/cel builds the tree. Syntactic rules carry no description ("a value"), because ohm then reports a
 * failure anywhere inside them at their start, e.g. a missing `)` at the `(`. It matches what check.ts later
 * refuses (arithmetic, ?:, indexing, field selection, maps), so that those get a message naming them rather
 * than a syntax error. Comments, triple-quoted strings, bytes and message literals, which @bufbuild/cel parses,
 * are left out: they only matter when the text is not CEL anyway.
 */
export const celGrammar: ohm.Grammar = ohm.grammar(
  String.raw`
  CelCondition <: ConditionLexical {
    Condition = Expr
    Expr = Chain "?" Chain ":" Expr  -- conditional
         | Chain
    Chain = Unary (binaryOp Unary)*
    Unary = "!"+ Member  -- not
          | "-"+ Member  -- negate
          | Member
    Member = Primary Suffix*
    Suffix = "." identifier "(" ListOf<Expr, ","> ")"  -- call
           | "." identifier  -- select
           | "[" Expr "]"  -- index
    Primary = literal
            | "."? identifier "(" ListOf<Expr, ","> ")"  -- call
            | "."? identifier  -- ident
            | "(" Expr ")"  -- paren
            | "[" ListOf<Expr, ","> ","? "]"  -- list
            | "{" ListOf<MapEntry, ","> ","? "}"  -- map
    MapEntry = Expr ":" Expr

    binaryOp (an operator) = "||" | "&&" | "<=" | ">=" | "==" | "!=" | "<" | ">" | in | "+" | "-" | "*" | "/" | "%"
    in = "in" ~identPart
    reserved = ("true" | "false" | "null" | "in" | "as" | "break" | "const" | "continue" | "else" | "for"
               | "function" | "if" | "import" | "let" | "loop" | "package" | "namespace" | "return" | "var"
               | "void" | "while") ~identPart
    identifier (a name) = ~reserved name

    literal = number | string | boolean | null
    boolean = ("true" | "false") ~identPart
    null = "null" ~identPart
    number (a number) = double | unsigned | integer
    double = digits "." digits exponent?  -- fraction
           | digits exponent  -- exponent
           | "." digits exponent?  -- leading
    exponent = ("e" | "E") ("+" | "-")? digits
    unsigned = integer ("u" | "U")
    integer = ("0x" | "0X") hexDigit+  -- hex
            | digits  -- decimal
    string (a string) = ("r" | "R") "\"" (~("\"" | "\n" | "\r") any)* "\""  -- rawDouble
                      | ("r" | "R") "'" (~("'" | "\n" | "\r") any)* "'"  -- rawSingle
                      | "\"" (~("\"" | "\\" | "\n" | "\r") any | escape)* "\""  -- double
                      | "'" (~("'" | "\\" | "\n" | "\r") any | escape)* "'"  -- single
    escape (an escape sequence) = "\\" ("x" | "X") hexDigit hexDigit  -- hex
                                | "\\" "u" ~surrogate hexDigit hexDigit hexDigit hexDigit  -- unicode
                                | "\\" "U" "00" longCodePoint  -- longUnicode
                                | "\\" "0".."3" "0".."7" "0".."7"  -- octal
                                | "\\" ("a" | "b" | "f" | "n" | "r" | "t" | "v" | "\\" | "?" | "\"" | "'" | "${'`'}")  -- simple
    longCodePoint = "00" ~surrogate hexDigit hexDigit hexDigit hexDigit  -- basic
                  | "0" ("1".."9" | "a".."f" | "A".."F") hexDigit hexDigit hexDigit hexDigit  -- supplementary
                  | "10" hexDigit hexDigit hexDigit hexDigit  -- last
    surrogate = ("d" | "D") ("8".."9" | "a".."f" | "A".."F")
  }
`,
  { ConditionLexical: lexicalGrammar },
);
