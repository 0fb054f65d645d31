/**
 * Validation of a flow document: the schema (per node, for precise messages),
 * the graph (exit targets, reachability, loops that can spin without waiting
 * for the caller), caller-facing texts in every declared language, templates,
 * audio files, and each node type's own checks. Every issue names the file
 * and the JSON pointer.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Type, type TObject } from '@sinclair/typebox';
import { FlowDocumentSchema, type FlowDocument } from './flow-schema.ts';
import { nodeDefinitions, type NodeType } from './nodes/index.ts';
import type { CheckContext, FlowIssue, NodeDefinition, PromptRef, TextRef } from './node-definition.ts';
import { templateProblems } from '../lang/template.ts';
import { didYouMean } from '../util/suggest.ts';
import type { LocalizedText } from './common.ts';

export interface ValidateOptions {
  /** File name for messages (e.g. "ivr-flows/main.json"), or the flow id. */
  file: string;
  /** Ids of every other known flow (subflow/goto targets). The flow's own id is added. */
  flowIds: ReadonlySet<string>;
  /** Known queues (undefined: queue references not checked). */
  queues?: CheckContext['queues'];
  transferPolicy: CheckContext['transferPolicy'];
  audioExists: (path: string) => boolean;
}

export interface ValidationResult {
  /** Present when there is no error (warnings allowed). */
  flow?: FlowDocument;
  issues: FlowIssue[];
}

const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: false, verbose: true });

/** The flow envelope: everything but the nodes' insides, which are checked per type. */
const EnvelopeSchema = Type.Object(
  {
    ...FlowDocumentSchema.properties,
    nodes: Type.Record(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_-]{0,63}$' }), Type.Object({ type: Type.String() }), { minProperties: 1, additionalProperties: false }),
  },
  { additionalProperties: false },
);
let envelopeValidator: ValidateFunction | undefined;
const nodeValidators = new Map<string, ValidateFunction>();

function envelope(): ValidateFunction {
  envelopeValidator ??= ajv.compile(EnvelopeSchema);
  return envelopeValidator;
}

function nodeValidator(type: NodeType): ValidateFunction {
  let v = nodeValidators.get(type);
  if (!v) {
    v = ajv.compile(nodeDefinitions[type].schema as TObject);
    nodeValidators.set(type, v);
  }
  return v;
}

const NODE_TYPES = Object.keys(nodeDefinitions) as NodeType[];

export function isNodeType(t: unknown): t is NodeType {
  return typeof t === 'string' && (NODE_TYPES as string[]).includes(t);
}

function escapePointer(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Turns Ajv errors into readable issues, keeping the most specific one per place. */
function schemaIssues(errors: ErrorObject[] | null | undefined, base: string, file: string): FlowIssue[] {
  if (!errors?.length) return [];
  // Errors under an anyOf come with one error per branch; when some branch got
  // further (a deeper path), the shallow ones are noise.
  const deepest = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    const list = deepest.get(e.instancePath) ?? [];
    list.push(e);
    deepest.set(e.instancePath, list);
  }
  const paths = [...deepest.keys()];
  const out: FlowIssue[] = [];
  const seen = new Set<string>();
  for (const [path, list] of deepest) {
    const hasDeeper = paths.some((p) => p !== path && p.startsWith(path + '/'));
    const anyOf = list.find((e) => e.keyword === 'anyOf');
    let messages: string[];
    if (anyOf) {
      if (hasDeeper) continue;
      const desc = (anyOf.parentSchema as { description?: string } | undefined)?.description;
      messages = [desc ? `must be ${desc.charAt(0).toLowerCase()}${desc.slice(1)}` : 'does not match any allowed form'];
    } else {
      // Errors from union branches the value did not take are noise when another branch got deeper.
      const branchNoise = (e: ErrorObject): boolean => hasDeeper && e.schemaPath.includes('/anyOf/') && ['type', 'const', 'required', 'additionalProperties'].includes(e.keyword);
      messages = list.filter((e) => !branchNoise(e)).map(describeAjvError);
      if (messages.length === 0 && !hasDeeper) messages = list.map(describeAjvError);
    }
    for (const m of messages) {
      const pointer = base + path;
      const key = pointer + '|' + m;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ file, pointer, message: m, severity: 'error' });
    }
  }
  return out;
}

function describeAjvError(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const patterns = Object.keys((e.parentSchema as { patternProperties?: Record<string, unknown> } | undefined)?.patternProperties ?? {});
      return patterns.length
        ? `invalid name "${String(p.additionalProperty)}" (names must match ${patterns.join(' or ')})`
        : `unknown property "${String(p.additionalProperty)}"`;
    }
    case 'required':
      return `missing required property "${String(p.missingProperty)}"`;
    case 'type':
      return `must be ${String(p.type)}`;
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'pattern': {
      const desc = (e.parentSchema as { description?: string } | undefined)?.description;
      return desc ? `${desc} (does not match ${String(p.pattern)})` : `must match ${String(p.pattern)}`;
    }
    case 'propertyNames':
      return `invalid name "${String(p.propertyName)}"`;
    default:
      return e.message ?? e.keyword;
  }
}

function localizedEntries(text: LocalizedText): Array<[lang: string | undefined, s: string]> {
  return typeof text === 'string' ? [[undefined, text]] : Object.entries(text);
}

export function validateFlowDocument(doc: unknown, options: ValidateOptions): ValidationResult {
  const { file } = options;
  const issues: FlowIssue[] = [];
  const error = (pointer: string, message: string): void => {
    issues.push({ file, pointer, message, severity: 'error' });
  };

  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    error('', 'a flow must be a JSON object');
    return { issues };
  }
  const env = envelope();
  if (!env(doc)) issues.push(...schemaIssues(env.errors, '', file));

  const raw = doc as Record<string, unknown>;
  const nodes = (typeof raw.nodes === 'object' && raw.nodes !== null && !Array.isArray(raw.nodes) ? raw.nodes : {}) as Record<string, unknown>;
  const typedNodes = new Map<string, { type: NodeType; node: Record<string, unknown> }>();
  for (const [id, node] of Object.entries(nodes)) {
    const base = `/nodes/${escapePointer(id)}`;
    if (typeof node !== 'object' || node === null) continue; // reported by the envelope
    const type = (node as { type?: unknown }).type;
    if (!isNodeType(type)) {
      if (typeof type === 'string') error(`${base}/type`, `unknown node type "${type}"${didYouMean(type, NODE_TYPES)}; known types: ${NODE_TYPES.join(', ')}`);
      continue;
    }
    const v = nodeValidator(type);
    if (!v(node)) {
      issues.push(...schemaIssues(v.errors, base, file));
      continue;
    }
    typedNodes.set(id, { type, node: node as Record<string, unknown> });
  }
  // Without a sound envelope and nodes, graph checks would only add noise.
  if (issues.some((i) => i.severity === 'error')) return { issues };

  const flow = doc as FlowDocument;
  const languages = flow.languages ?? [flow.defaultLanguage];
  if (!languages.includes(flow.defaultLanguage)) {
    error('/defaultLanguage', `default language "${flow.defaultLanguage}" is not among the flow's languages (${languages.join(', ')})`);
  }
  const ids = new Set(Object.keys(flow.nodes));
  if (!ids.has(flow.start)) error('/start', `unknown node "${flow.start}"${didYouMean(flow.start, ids)}`);
  if (flow.onError !== undefined && !ids.has(flow.onError)) error('/onError', `unknown node "${flow.onError}"${didYouMean(flow.onError, ids)}`);

  const flowIds = new Set(options.flowIds);
  flowIds.add(flow.id);

  // Exits and per-node checks.
  const edges = new Map<string, string[]>();
  for (const [id, { type, node }] of typedNodes) {
    const def = nodeDefinitions[type] as unknown as NodeDefinition<TObject>;
    const base = `/nodes/${escapePointer(id)}`;
    const targets: string[] = [];
    for (const exit of def.exits(node)) {
      if (!ids.has(exit.target)) error(base + exit.pointer, `unknown node "${exit.target}"${didYouMean(exit.target, ids)}`);
      else targets.push(exit.target);
    }
    edges.set(id, targets);

    const ctx: CheckContext = {
      languages,
      flowIds,
      queues: options.queues,
      transferPolicy: options.transferPolicy,
      audioExists: options.audioExists,
      report: (pointer, message, severity = 'error') => issues.push({ file, pointer: base + pointer, message, severity }),
    };
    for (const ref of def.prompts?.(node) ?? []) checkPrompt(ref, base, ctx, issues, file);
    for (const ref of def.texts?.(node) ?? []) checkText(ref, base, ctx, issues, file);
    def.check?.(node, ctx);
  }

  // Reachability from the start node and the error handler.
  const reached = new Set<string>();
  const stack = [flow.start, ...(flow.onError ? [flow.onError] : [])].filter((n) => ids.has(n));
  while (stack.length) {
    const n = stack.pop()!;
    if (reached.has(n)) continue;
    reached.add(n);
    for (const t of edges.get(n) ?? []) stack.push(t);
  }
  for (const id of ids) {
    if (!reached.has(id)) error(`/nodes/${escapePointer(id)}`, `node "${id}" is unreachable from the start node "${flow.start}"`);
  }

  // Loops that can spin without waiting for the caller: cycles among nodes that never wait.
  for (const cycle of spinningCycles(typedNodes, edges)) {
    error(
      `/nodes/${escapePointer(cycle[0]!)}`,
      cycle.length === 1
        ? `node "${cycle[0]}" loops to itself without waiting for the caller`
        : `loop that never waits for the caller (no prompt or input) through nodes: ${cycle.join(', ')}`,
    );
  }

  const hasError = issues.some((i) => i.severity === 'error');
  return hasError ? { issues } : { flow, issues };
}

function checkTemplates(s: string, pointer: string, issues: FlowIssue[], file: string): void {
  for (const p of templateProblems(s)) issues.push({ file, pointer, message: p, severity: 'error' });
}

function checkLanguages(text: LocalizedText, pointer: string, ctx: CheckContext, what: string, issues: FlowIssue[], file: string): void {
  if (typeof text === 'string') {
    if (ctx.languages.length > 1 && /\p{L}{2,}/u.test(text.replace(/\{\{[^}]*\}\}/g, ''))) {
      issues.push({ file, pointer, message: `${what} is given in one language only, but the flow speaks ${ctx.languages.join(', ')}: use {"${ctx.languages.join('": "...", "')}": "..."}`, severity: 'warning' });
    }
    return;
  }
  for (const lang of ctx.languages) {
    if (!(lang in text)) issues.push({ file, pointer, message: `${what} has no "${lang}" version (the flow speaks ${ctx.languages.join(', ')})`, severity: 'error' });
  }
  for (const lang of Object.keys(text)) {
    if (!ctx.languages.includes(lang)) issues.push({ file, pointer: `${pointer}/${lang}`, message: `language "${lang}" is not one of the flow's languages (${ctx.languages.join(', ')})`, severity: 'warning' });
  }
}

function checkPrompt(ref: PromptRef, base: string, ctx: CheckContext, issues: FlowIssue[], file: string): void {
  const pointer = base + ref.pointer;
  const p = ref.prompt;
  if (typeof p === 'string') {
    checkLanguages(p, pointer, ctx, 'prompt', issues, file);
    checkTemplates(p, pointer, issues, file);
    return;
  }
  if ('say' in p) {
    if (p.language === undefined) checkLanguages(p.say, pointer + '/say', ctx, 'prompt', issues, file);
    for (const [lang, s] of localizedEntries(p.say)) checkTemplates(s, pointer + '/say' + (lang ? `/${lang}` : ''), issues, file);
  } else if ('file' in p) {
    if (typeof p.file !== 'string') checkLanguages(p.file, pointer + '/file', ctx, 'audio file', issues, file);
    for (const [lang, f] of localizedEntries(p.file)) {
      const ptr = pointer + '/file' + (lang ? `/${lang}` : '');
      if (f.includes('{{')) continue;
      if (f.split(/[\\/]/).includes('..')) issues.push({ file, pointer: ptr, message: `audio file "${f}" must not contain ".."`, severity: 'error' });
      else if (!ctx.audioExists(f)) issues.push({ file, pointer: ptr, message: `audio file "${f}" not found`, severity: 'error' });
    }
  }
}

function checkText(ref: TextRef, base: string, ctx: CheckContext, issues: FlowIssue[], file: string): void {
  const pointer = base + ref.pointer;
  checkLanguages(ref.text, pointer, ctx, 'text', issues, file);
  for (const [lang, s] of localizedEntries(ref.text)) checkTemplates(s, pointer + (lang ? `/${lang}` : ''), issues, file);
}

/** Cycles (one per strongly connected component) made only of nodes that never wait for the caller. */
function spinningCycles(
  nodes: Map<string, { type: NodeType; node: Record<string, unknown> }>,
  edges: Map<string, string[]>,
): string[][] {
  const quiet = new Set<string>();
  for (const [id, { type, node }] of nodes) {
    const def = nodeDefinitions[type] as unknown as NodeDefinition<TObject>;
    if (!def.waitsForCaller(node)) quiet.add(id);
  }
  // Tarjan's SCC on the quiet subgraph.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  const strong = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!quiet.has(w)) continue;
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      const selfLoop = comp.length === 1 && (edges.get(v) ?? []).includes(v);
      if (comp.length > 1 || selfLoop) out.push(comp.reverse());
    }
  };
  for (const v of [...quiet].sort()) if (!idx.has(v)) strong(v);
  return out;
}

export function formatIssue(issue: FlowIssue): string {
  return `${issue.file}: ${issue.pointer || '/'}: ${issue.severity === 'warning' ? 'warning: ' : ''}${issue.message}`;
}
