import fc from 'fast-check';

/** The JSON Schema subset the OpenAPI document uses (generated from the zod schemas by fastify-type-provider-zod). */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  additionalProperties?: boolean | JsonSchema;
  nullable?: boolean;
  default?: unknown;
}

const strings = (s: JsonSchema) => {
  const min = s.minLength ?? 0;
  const max = Math.min(s.maxLength ?? 24, min + 24);
  switch (s.format) {
    case 'uuid':
      return fc.uuid();
    case 'date-time':
      return fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
    case 'date':
      return fc
        .date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
    case 'uri':
    case 'url':
      return fc.constantFrom('https://shop.example/hook', 'https://example.com/x');
    case 'email':
      return fc.emailAddress();
  }
  return fc.string({ minLength: min, maxLength: Math.max(min, max) });
};

/** A value that mostly satisfies the schema (patterns are not honoured: those values exercise the 400 path). */
export function arbitraryFor(s: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!s || depth > 6) return fc.constant(null);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alts = s.anyOf ?? s.oneOf;
  if (alts?.length) return fc.oneof(...alts.map((a) => arbitraryFor(a, depth + 1)));
  if (s.allOf?.length) return arbitraryFor(Object.assign({}, ...s.allOf), depth + 1);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'string':
      return strings(s);
    case 'integer': {
      const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : -1000);
      const max = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : Math.max(min, 0) + 1000);
      return fc.integer({ min: Math.max(min, Number.MIN_SAFE_INTEGER), max: Math.min(Math.max(min, max), Number.MAX_SAFE_INTEGER) });
    }
    case 'number':
      return fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(arbitraryFor(s.items, depth + 1), {
        minLength: s.minItems ?? 0,
        maxLength: Math.min(s.maxItems ?? 3, (s.minItems ?? 0) + 3),
      });
    case 'object': {
      const props = s.properties ?? {};
      const required = new Set(s.required ?? []);
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, v] of Object.entries(props)) model[k] = arbitraryFor(v, depth + 1);
      return fc.record(model, { requiredKeys: Object.keys(props).filter((k) => required.has(k)) });
    }
    case 'null':
      return fc.constant(null);
  }
  return fc.jsonValue({ maxDepth: 2 });
}

/** Hostile values: wrong types, oversized, unicode edge cases, prototype keys, deep nesting. */
export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    -1,
    0,
    1e308,
    '-9007199254740993',
    Number.MIN_SAFE_INTEGER - 2,
    '',
    ' ',
    'x'.repeat(100_000),
    '\u0000',
    '\uD800',
    '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u202E ﷽ 🏴‍☠️',
    '../../etc/passwd',
    "' or 1=1 --",
    '%00',
    'NaN',
    '1e999',
    '9999-99-99',
    [],
    [[[[[]]]]],
    {},
  ),
  fc.constant(JSON.parse('{"__proto__": {"admin": true}, "constructor": {"prototype": {"polluted": 1}}}')),
  fc.constant(deep(2000)),
  fc.string({ maxLength: 40, unit: 'grapheme' }),
  fc.integer(),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Nested arrays `depth` levels deep (a stack-depth attack on parsers and validators). */
export function deep(depth: number): unknown {
  let v: unknown = [];
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

/** Replaces one random property (or the whole body) with a hostile value. */
export function mutate(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(valid, hostile, fc.nat(), fc.boolean()).map(([v, bad, pick, whole]) => {
    if (whole || typeof v !== 'object' || v === null || Array.isArray(v)) return bad;
    const keys = Object.keys(v);
    const out: Record<string, unknown> = { ...(v as Record<string, unknown>) };
    const key =
      !keys.length || pick % 5 === 0
        ? ['__proto__', 'constructor', 'unknownField', 'id', 'warehouseId'][pick % 5]!
        : keys[pick % keys.length]!;
    // defineProperty: a plain assignment to __proto__ would set the prototype instead of sending the key.
    Object.defineProperty(out, key, { value: bad, enumerable: true, configurable: true, writable: true });
    return out;
  });
}
