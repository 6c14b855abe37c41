/**
 * Turns a template and the wizard's params into a flow document: params checked against the
 * template's schema (defaults filled in), chosen connections checked to exist with an
 * acceptable type (whose type then picks the node types), cross-field checks, placeholders
 * resolved. Problems are reported as `params.<field>`; with `validate`, flow-level problems
 * that come from one param are reported against that param too.
 */
import type { FlowDocument } from '../../core/flow-types.ts';
import type { JsonSchema, ValidationIssue } from '../../core/node-spec.ts';
import { SchemaChecker } from '../../core/schema-check.ts';
import { issuesMessage, ValidationError } from '../../core/errors.ts';
import { isRecord } from '../../core/guards.ts';
import { materializeFlow, wholePlaceholder } from '../../templates/placeholders.ts';
import type { AmongCheck, FlowTemplate } from '../../templates/types.ts';

/** 400 TEMPLATE_PARAMS_INVALID, every issue at `params.<field>` */
export class TemplateParamsError extends ValidationError<'TEMPLATE_PARAMS_INVALID'> {
  constructor(details: ValidationIssue[]) {
    super(issuesMessage('the template params are invalid', details), details, 'TEMPLATE_PARAMS_INVALID', { count: details.length });
  }
}

export interface InstantiateOptions {
  /** the type of an existing connection, undefined when there is none with that id */
  connectionType: (id: string) => string | undefined;
  /** the new flow's name (default: the template's) */
  name?: string;
  description?: string;
  /** save-time validation of the produced flow (FlowService.validate) */
  validate?: (doc: FlowDocument) => ValidationIssue[];
  checker?: SchemaChecker;
}

export function instantiate(template: FlowTemplate, params: unknown, options: InstantiateOptions): FlowDocument {
  if (params === undefined) params = {};
  if (!isRecord(params)) throw new TemplateParamsError([{ path: 'params', message: 'must be an object of param name → value' }]);
  const checker = options.checker ?? new SchemaChecker();
  const schema = template.params.schema;
  const filled = checker.withDefaults(schema, params);
  // ajv adds `must match "then" schema` beside the real problem (a missing field): drop it
  const issues = checker.check(schema, filled, 'params').filter((i) => !/^must match "(then|else)" schema$/.test(i.message));
  const { types, issues: connIssues } = connectionTypes(schema, filled, options.connectionType);
  issues.push(...connIssues);
  for (const check of template.params.checks ?? []) issues.push(...amongIssues(check, filled));
  if (issues.length > 0) throw new TemplateParamsError(issues);

  const doc = materializeFlow(
    template.flow,
    { params: filled, connectionTypes: types },
    { name: options.name ?? template.name, description: options.description ?? template.description },
  );
  const flowIssues = options.validate?.(doc) ?? [];
  if (flowIssues.length > 0) throw new TemplateParamsError(flowIssues.map((i) => asParamIssue(template, doc, i)));
  return doc;
}

/** connection params (`x-connectionTypes`): each chosen one exists and has an accepted type */
function connectionTypes(
  schema: JsonSchema,
  params: Record<string, unknown>,
  typeOf: (id: string) => string | undefined,
): { types: Record<string, string>; issues: ValidationIssue[] } {
  const types: Record<string, string> = {};
  const issues: ValidationIssue[] = [];
  const props = isRecord(schema['properties']) ? schema['properties'] : {};
  for (const [name, prop] of Object.entries(props)) {
    if (!isRecord(prop) || !Array.isArray(prop['x-connectionTypes'])) continue;
    const accepted = prop['x-connectionTypes'] as string[];
    const id = params[name];
    if (typeof id !== 'string' || id === '') continue;
    const type = typeOf(id);
    if (type === undefined) issues.push({ path: `params.${name}`, message: `connection "${id}" does not exist` });
    else if (!accepted.includes(type)) issues.push({ path: `params.${name}`, message: `connection "${id}" is ${type}; choose a ${accepted.join(', ')} connection` });
    else types[name] = type;
  }
  return { types, issues };
}

/** the parts of a param a check compares, each with its path; undefined when not comparable */
function partsOf(value: unknown, use: AmongCheck['use'], path: string): { value: unknown; path: string }[] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (use === 'value') return [{ value, path }];
  if (use === 'items') return Array.isArray(value) ? value.map((v, i) => ({ value: v, path: `${path}[${i}]` })) : undefined;
  if (!isRecord(value)) return undefined;
  return Object.entries(value).map(([k, v]) => ({ value: use === 'keys' ? k : v, path: `${path}.${k}` }));
}

function amongIssues(check: AmongCheck, params: Record<string, unknown>): ValidationIssue[] {
  const mine = partsOf(params[check.param], check.use, `params.${check.param}`);
  const theirs = partsOf(params[check.among], check.amongUse, `params.${check.among}`);
  if (!mine || !theirs || theirs.length === 0) return [];
  const allowed = new Set(theirs.map((p) => p.value));
  return mine.filter((p) => !allowed.has(p.value)).map((p) => ({ path: p.path, message: `"${String(p.value)}" ${check.message}` }));
}

const NODE_PARAM = /^nodes\[(\d+)\]\.params\.([A-Za-z0-9_$]+)(.*)$/;

/** `nodes[1].params.timezone` → `params.timezone` when that node param is exactly `{{timezone}}` */
function asParamIssue(template: FlowTemplate, doc: FlowDocument, issue: ValidationIssue): ValidationIssue {
  const m = NODE_PARAM.exec(issue.path);
  if (!m) return issue;
  const node = doc.nodes[Number(m[1])];
  const tplNode = node && template.flow.nodes.find((n) => n.id === node.id);
  let source = tplNode?.params[m[2]!];
  if (isRecord(source) && '$if' in source) source = source['then'];
  const param = wholePlaceholder(source);
  if (param === undefined) return issue;
  return { path: `params.${param}${m[3]}`, message: `${issue.message} (node "${node?.name ?? node?.id}", param ${m[2]})` };
}
