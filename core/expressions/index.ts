/** Tributary's expression language (SPEC §5): `${path}`, `${nodeId|path}`, `$${` escape. Pure, no I/O, no eval. */
export type { PathSegment, ExprRef, TemplatePart, ParsedTemplate, EvalScope, CompiledValue } from './types.ts';
export { ExpressionError } from './errors.ts';
export { parseTemplate } from './template-parser.ts';
export { parsePath } from './path-parser.ts';
export { getPath, makeSetter, setPath, setPathProblem } from './path.ts';
export { compileValue } from './compile.ts';
export { hasExpression, collectRefs, checkValue } from './scan.ts';
