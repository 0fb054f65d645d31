/**
 * The flow document: one source for the TS type, the runtime validator and the
 * published JSON Schema (ivr-flows/flow.schema.json, see write-schema.ts).
 */
import { Type, type Static, type TObject } from '@sinclair/typebox';
import { Obj, Id, Exit, LanguageCode } from './common.ts';
import { nodeDefinitions, type NodeType } from './nodes/index.ts';

type NodeSchemas = { [K in NodeType]: (typeof nodeDefinitions)[K]['schema'] };

const nodeSchemaList = Object.values(nodeDefinitions).map((d) => d.schema as TObject) as Array<NodeSchemas[NodeType]>;

export const FlowNode = Type.Union(nodeSchemaList, { description: 'A node: its "type" selects the node kind' });
export type FlowNode = Static<typeof FlowNode>;

const VariableValue = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]);

export const FlowDocumentSchema = Obj(
  {
    $schema: Type.Optional(Type.String()),
    id: Id,
    name: Type.String({ minLength: 1 }),
    description: Type.Optional(Type.String()),
    /** Language a call starts in. */
    defaultLanguage: LanguageCode,
    /** Languages the flow supports: every caller-facing text must be given in each. Default: [defaultLanguage]. */
    languages: Type.Optional(Type.Array(LanguageCode, { minItems: 1, uniqueItems: true })),
    /** First node. */
    start: Exit,
    /** Variables with their initial values. Names are identifiers; read them as {{vars.name}}. */
    variables: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), VariableValue, { additionalProperties: false })),
    /** Node taken when a node fails and has no `error` exit of its own. */
    onError: Type.Optional(Exit),
    nodes: Type.Record(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_-]{0,63}$' }), FlowNode, { minProperties: 1, additionalProperties: false }),
  },
  {
    $id: 'https://github.com/ivr-acd/ivr-acd-server/flow.schema.json',
    title: 'IVR flow',
    description: 'An IVR flow: nodes keyed by id, each with a type, its settings and exits naming other nodes.',
  },
);
export type FlowDocument = Static<typeof FlowDocumentSchema>;

export function flowLanguages(flow: FlowDocument): string[] {
  return flow.languages ?? [flow.defaultLanguage];
}
