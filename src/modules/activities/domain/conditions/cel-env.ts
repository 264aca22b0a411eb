import { celEnv } from '@bufbuild/cel';
import type { CelEnv } from '@bufbuild/cel';

/**
 * The one CEL environment conditions run in: the standard functions, no variables declared (@bufbuild/cel
 * 0.6.1 plans without its checker, so declarations would not be used; check.ts types conditions instead) and
 * no regular expressions. check.ts already refuses `matches`; the RE2 hook makes sure a condition that somehow
 * reached the planner with it still cannot run a pattern. @bufbuild/re2 is linear in the input but not in the
 * pattern: `([a-z]?){999}[a-z]{999}$` against 1,000 characters takes about a second, and it compiles the
 * pattern again on every call.
 */
export const CEL_ENV: CelEnv = celEnv({
  re2: {
    compile() {
      throw new Error('regular expressions are not supported in conditions');
    },
  },
});
