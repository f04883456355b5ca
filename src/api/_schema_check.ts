/**
 * A small JSON Schema (2020-12 subset) checker for the API's tests: `$ref`
 * (JSON pointers into the document), `type` (one or a list, `integer`
 * included), `enum`, `required`, `properties`, `additionalProperties`
 * (false or a schema), `items` and `minimum`. A keyword outside this subset
 * is an error, so the document cannot use one the tests would not check.
 *
 * Python counterpart: none (test support).
 * @module
 */

type Schema = Record<string, unknown>;

const KNOWN = new Set([
  "$ref",
  "type",
  "enum",
  "required",
  "properties",
  "additionalProperties",
  "items",
  "minimum",
  "description",
]);

/** Resolves a `#/a/b` pointer in `doc`. */
export function resolvePointer(doc: unknown, ref: string): Schema {
  if (!ref.startsWith("#/")) throw new Error(`unsupported $ref ${ref}`);
  let at: unknown = doc;
  for (const part of ref.slice(2).split("/")) {
    const key = part.replaceAll("~1", "/").replaceAll("~0", "~");
    at = (at as Record<string, unknown> | undefined)?.[key];
  }
  if (at === undefined || at === null || typeof at !== "object") throw new Error(`unresolved $ref ${ref}`);
  return at as Schema;
}

function typeOf(v: unknown): string[] {
  if (v === null) return ["null"];
  if (Array.isArray(v)) return ["array"];
  if (typeof v === "number") return Number.isInteger(v) ? ["integer", "number"] : ["number"];
  return [typeof v];
}

/**
 * The errors of `value` against `schema` (empty when it conforms).
 *
 * @param doc The whole document, for `$ref`.
 * @param schema The schema.
 * @param value The value.
 * @param at Where `value` is, for messages.
 */
export function checkSchema(doc: unknown, schema: Schema, value: unknown, at = "$"): string[] {
  const errors: string[] = [];
  for (const key of Object.keys(schema)) if (!KNOWN.has(key)) errors.push(`${at}: unsupported keyword ${key}`);
  if (typeof schema.$ref === "string") {
    return [...errors, ...checkSchema(doc, resolvePointer(doc, schema.$ref), value, at)];
  }
  if (schema.type !== undefined) {
    const wanted = Array.isArray(schema.type) ? schema.type as string[] : [schema.type as string];
    if (!typeOf(value).some((t) => wanted.includes(t))) {
      return [...errors, `${at}: ${JSON.stringify(value)} is not of type ${wanted.join("|")}`];
    }
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    errors.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  }
  if (typeof schema.minimum === "number" && typeof value === "number" && value < schema.minimum) {
    errors.push(`${at}: ${value} < ${schema.minimum}`);
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((v, i) => errors.push(...checkSchema(doc, schema.items as Schema, v, `${at}[${i}]`)));
  }
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const key of (schema.required ?? []) as string[]) if (!(key in obj)) errors.push(`${at}: missing ${key}`);
    for (const [key, v] of Object.entries(obj)) {
      if (props[key] !== undefined) errors.push(...checkSchema(doc, props[key], v, `${at}.${key}`));
      else if (schema.additionalProperties === false) errors.push(`${at}: unexpected ${key}`);
      else if (typeof schema.additionalProperties === "object") {
        errors.push(...checkSchema(doc, schema.additionalProperties as Schema, v, `${at}.${key}`));
      }
    }
  }
  return errors;
}

/**
 * The schema the document gives for the JSON answer of `method path` with
 * `status` (path as in `paths`, e.g. `/processes/{ns}`); throws when the
 * document does not describe that answer.
 */
export function responseSchema(doc: Record<string, unknown>, method: string, path: string, status: number): Schema {
  const item = (doc.paths as Record<string, Record<string, unknown>>)[path];
  const op = item?.[method.toLowerCase()] as { responses?: Record<string, unknown> } | undefined;
  const res = op?.responses?.[String(status)] as { content?: Record<string, { schema: Schema }> } | undefined;
  const schema = res?.content?.["application/json"]?.schema;
  if (schema === undefined) throw new Error(`the document has no JSON ${status} answer for ${method} ${path}`);
  return schema;
}
