import path from 'node:path';

/**
 * The layers of src/ (issue #19, ARCHITECTURE.md "Anatomy of a module"), checked on every import:
 *   - the kernel (src/platform/) imports neither a module (src/modules/) nor the composition root (src/app/, src/cli.ts);
 *   - a module never imports the composition root;
 *   - a module imports another module only through its face: that module's index.ts or events.ts.
 * Paths are resolved from the importing file, so the rule needs no resolver: every import inside src/ is relative.
 * Options: { root: the repository's directory, allowed: ['src/modules/a/x.ts -> src/modules/b/y.ts', …] }, the
 * cross-module imports that predate the rule. Each must still exist: an entry no longer needed is reported, so the
 * list can only shrink.
 */
const FACES = new Set(['index.ts', 'events.ts']);

/** Where a repository-relative path sits: the kernel, the composition root, a module (with its name and the rest), or elsewhere. */
function layerOf(file) {
  if (file.startsWith('src/platform/')) return { layer: 'kernel' };
  if (file.startsWith('src/app/') || file === 'src/cli.ts') return { layer: 'app' };
  const match = /^src\/modules\/([^/]+)\/(.+)$/.exec(file);
  if (match) return { layer: 'module', module: match[1], rest: match[2] };
  return { layer: 'other' };
}

/** TypeScript sources are imported by their compiled name (`./x.js` is `./x.ts`). */
function sourceName(file) {
  return file.replace(/\.js$/, '.ts');
}

export const moduleBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Keeps the kernel, the modules and the composition root in their layers (ARCHITECTURE.md)' },
    schema: [
      {
        type: 'object',
        properties: { root: { type: 'string' }, allowed: { type: 'array', items: { type: 'string' } } },
        required: ['root'],
        additionalProperties: false,
      },
    ],
    messages: {
      kernel: "The kernel (src/platform/) must not import {{layer}}: '{{source}}' is {{target}}. Pass what it needs in, or move the type into the kernel.",
      moduleToApp: "A module must not import the composition root: '{{source}}' is {{target}}. What modules share lives in src/platform/.",
      deepImport:
        "Module {{from}} may use module {{to}} only through src/modules/{{to}}/index.ts or events.ts, not '{{source}}' ({{target}}). Export what it needs from {{to}}'s face.",
      staleException: "'{{entry}}' is in the boundary rule's list of allowed imports (eslint.config.js) but no longer needed: remove it.",
    },
  },
  create(context) {
    const { root, allowed = [] } = context.options[0];
    const file = path.relative(root, context.filename).split(path.sep).join('/');
    const from = layerOf(file);
    if (from.layer !== 'kernel' && from.layer !== 'module') return {};
    const exceptions = new Set(allowed.filter((entry) => entry.startsWith(`${file} -> `)));
    const used = new Set();

    function check(node, source) {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = sourceName(path.posix.normalize(path.posix.join(path.posix.dirname(file), source)));
      const to = layerOf(target);
      if (from.layer === 'kernel') {
        if (to.layer === 'module' || to.layer === 'app') context.report({ node, messageId: 'kernel', data: { layer: to.layer === 'module' ? 'a module' : 'the composition root', source, target } });
        return;
      }
      if (to.layer === 'app') {
        context.report({ node, messageId: 'moduleToApp', data: { source, target } });
        return;
      }
      if (to.layer !== 'module' || to.module === from.module || FACES.has(to.rest)) return;
      const entry = `${file} -> ${target}`;
      if (exceptions.has(entry)) {
        used.add(entry);
        return;
      }
      context.report({ node, messageId: 'deepImport', data: { from: from.module, to: to.module, source, target } });
    }

    const fromSource = (node) => check(node.source, node.source?.value);
    return {
      ImportDeclaration: fromSource,
      ExportNamedDeclaration: fromSource,
      ExportAllDeclaration: fromSource,
      ImportExpression: (node) => check(node.source, node.source.type === 'Literal' ? node.source.value : undefined),
      // `import('…').T` in a type; typescript-eslint 8 names the literal `source` (older versions: `argument.literal`).
      TSImportType: (node) => {
        const literal = node.source ?? node.argument?.literal;
        check(literal, literal?.value);
      },
      'Program:exit': (node) => {
        for (const entry of exceptions) if (!used.has(entry)) context.report({ node, loc: { line: 1, column: 0 }, messageId: 'staleException', data: { entry } });
      },
    };
  },
};

export default { rules: { 'module-boundaries': moduleBoundaries } };
