/**
 * Building blocks shared by every node schema. TypeBox gives both the JSON
 * Schema (published as ivr-flows/flow.schema.json) and the TS types, from one
 * source. Objects are closed (`additionalProperties: false`): unknown fields
 * are errors, never silently dropped.
 */
import { Type, type Static, type TSchema, type TProperties, type ObjectOptions } from '@sinclair/typebox';

/** A closed object: unknown properties are validation errors. */
export function Obj<T extends TProperties>(properties: T, options: ObjectOptions = {}) {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

/** Node ids, flow ids, variable names: safe identifiers (a flow id is also a file name). */
export const Id = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_-]{0,63}$', description: 'Identifier: a letter, then letters, digits, _ or -' });

/** An exit: the id of the node to go to. */
export const Exit = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_-]{0,63}$', description: 'Id of the node to go to' });

/** Language code as used in flows, e.g. "pl", "en" (optionally with region: "en-GB"). */
export const LanguageCode = Type.String({ pattern: '^[a-z]{2}(-[A-Z]{2})?$', description: 'Language code, e.g. pl or en' });

/**
 * Text a caller hears: one string (used for every language) or one string per
 * language. Templates like {{vars.account}} and {{caller.number}} are expanded.
 */
export const LocalizedText = Type.Union(
  [
    Type.String({ minLength: 1 }),
    Type.Record(Type.String({ pattern: '^[a-z]{2}(-[A-Z]{2})?$' }), Type.String({ minLength: 1 }), { minProperties: 1, additionalProperties: false }),
  ],
  { description: 'Text, or an object of texts by language code: {"pl": "...", "en": "..."}' },
);
export type LocalizedText = Static<typeof LocalizedText>;

/**
 * One prompt in a flow. A bare string is text-to-speech in the call's language.
 * `file` paths are relative to the flows folder's `audio/` directory unless absolute;
 * a file may be per language too.
 */
export const PromptSpec = Type.Union(
  [
    Type.String({ minLength: 1, description: 'Text to speak in the call language' }),
    Obj(
      {
        say: LocalizedText,
        voice: Type.Optional(Type.String({ description: 'TTS voice name (engine-specific)' })),
        language: Type.Optional(Type.String({ pattern: '^[a-z]{2}(-[A-Z]{2})?$', description: 'Speak in this language whatever the call language (e.g. the language-choice prompt)' })),
      },
      { description: 'Text-to-speech' },
    ),
    Obj({ file: LocalizedText }, { description: 'Audio file (per language allowed), relative to ivr-flows/audio/' }),
    Obj({ tone: Type.String({ minLength: 1 }), durationMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 60_000 })) }, { description: 'Tone: beep, ringback, busy or a tone_stream spec' }),
    Obj({ silenceMs: Type.Integer({ minimum: 1, maximum: 60_000 }) }, { description: 'Silence' }),
  ],
  { description: 'A prompt: text, {say}, {file}, {tone} or {silenceMs}' },
);
export type PromptSpec = Static<typeof PromptSpec>;

/** One prompt or a list of prompts. */
export const Prompts = Type.Union([PromptSpec, Type.Array(PromptSpec, { minItems: 1 })]);
export type Prompts = Static<typeof Prompts>;

export function promptList(p: Prompts | undefined): PromptSpec[] {
  if (p === undefined) return [];
  return Array.isArray(p) ? p : [p];
}

/** Seconds as a number with bounds (schemas speak seconds; the port speaks ms). */
export const Seconds = (def: number, max = 3600) =>
  Type.Number({ minimum: 0, maximum: max, default: def, description: `Seconds (default ${def})` });

/** Helper for node schemas: a literal `type` plus the node's own properties, closed. */
export function NodeSchema<N extends string, T extends TProperties>(type: N, properties: T, description: string) {
  return Obj(
    {
      type: Type.Literal(type),
      /** Free text for humans; ignored by the engine. */
      description: Type.Optional(Type.String()),
      ...properties,
    },
    { title: type, description },
  );
}

export type { TSchema };
