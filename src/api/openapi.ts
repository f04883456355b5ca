/**
 * The OpenAPI 3.1 document of `/api/v1`, written by hand and served at
 * `GET /api/v1/openapi.json`. The API's tests validate live responses
 * against the schemas here (`openapi_test.ts`), so the document cannot
 * drift from what the daemon answers.
 *
 * Python counterpart: none (process-compose's `swagger.yaml` is the peer).
 * @module
 */

import { nullable, SCHEMAS } from "./_openapi_schemas.ts";

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const jsonContent = (schema: unknown) => ({ "application/json": { schema } });
const error = (description: string) => ({ description, content: jsonContent(ref("Error")) });
const sse = (description: string) => ({
  description,
  content: { "text/event-stream": { schema: { type: "string" } } },
});

const ns = {
  name: "ns",
  in: "path",
  required: true,
  description: "A process (`name`, `group:name`); for control also a whole group (`group:*`)",
  schema: { type: "string" },
};
const channel = { name: "stream", in: "path", required: true, schema: { enum: ["stdout", "stderr"] } };
const waitParams = [
  {
    name: "wait",
    in: "query",
    description: "Answer once the operation is complete (default true)",
    schema: { type: "string", enum: ["true", "false", "1", "0", "yes", "no", "on", "off"] },
  },
  {
    name: "timeout",
    in: "query",
    description: "Longest wait: `30`, `500ms`, `30s`, `5m`; past it the answer is 202 with `pending` results",
    schema: { type: "string" },
  },
];
const jsonBodyOf = (schema: unknown) => ({
  description: "Must be sent as `Content-Type: application/json` (may be empty)",
  required: false,
  content: jsonContent(schema),
});

/** The document. */
export const OPENAPI = {
  openapi: "3.1.0",
  info: {
    title: "supervisor-ts JSON API",
    version: "1",
    description: "Process control, logs and events of supervisor-ts, beside supervisord's XML-RPC interface. " +
      "Same basic authentication as /RPC2. POST requests must have Content-Type: application/json.",
  },
  servers: [{ url: "/api/v1" }],
  paths: {
    "/processes": {
      get: {
        summary: "Every process, groups by priority then processes by priority",
        responses: { 200: { description: "The processes", content: jsonContent(ref("ProcessList")) } },
      },
    },
    "/processes/{ns}": {
      parameters: [ns],
      get: {
        summary: "One process",
        responses: {
          200: { description: "The process", content: jsonContent(ref("Process")) },
          404: error("BAD_NAME: no such process"),
        },
      },
    },
    ...Object.fromEntries(["start", "stop", "restart", "signal"].map((action) => [
      `/processes/{ns}/${action}`,
      {
        parameters: [ns],
        post: {
          summary: `${action[0]!.toUpperCase()}${action.slice(1)} a process or a group (\`group:*\`)`,
          parameters: action === "signal" ? [{ name: "signal", in: "query", schema: { type: "string" } }] : waitParams,
          requestBody: jsonBodyOf(
            action === "signal"
              ? {
                type: "object",
                additionalProperties: false,
                properties: { signal: { type: ["string", "integer"] } },
              }
              : { type: "object", additionalProperties: false },
          ),
          responses: {
            200: {
              description: "Done (for a group: each result has its outcome)",
              content: jsonContent(ref("ControlResults")),
            },
            202: {
              description: "The wait timed out; the operation goes on",
              content: jsonContent(ref("ControlResults")),
            },
            400: error("BAD_ARGUMENTS or BAD_SIGNAL"),
            404: error("BAD_NAME"),
            409: error("ALREADY_STARTED, NOT_RUNNING"),
            415: error("UNSUPPORTED_MEDIA_TYPE: not application/json"),
            500: error("SPAWN_ERROR, ABNORMAL_TERMINATION, NO_FILE, NOT_EXECUTABLE, FAILED"),
            503: error("SHUTDOWN_STATE"),
          },
        },
      },
    ])),
    "/processes/{ns}/logs/{stream}": {
      parameters: [ns, channel],
      get: {
        summary: "Read a process log by byte offset",
        parameters: [
          {
            name: "offset",
            in: "query",
            description: "Default 0; negative counts from the end",
            schema: { type: "integer" },
          },
          {
            name: "length",
            in: "query",
            description: "Default and cap 1 MiB",
            schema: { type: "integer", minimum: 0 },
          },
        ],
        responses: {
          200: { description: "The bytes, as text", content: jsonContent(ref("LogRead")) },
          400: error("BAD_ARGUMENTS"),
          404: error("BAD_NAME"),
          500: error("NO_FILE: the channel has no log file"),
        },
      },
    },
    "/processes/{ns}/logs/{stream}/follow": {
      parameters: [ns, channel],
      get: {
        summary: "Follow a process log (server-sent events)",
        description: "`event: log` with `id:` the byte offset after the chunk and `data:` the chunk as a JSON " +
          "string; `event: rotated` / `event: truncated` (id 0) when the file is replaced or shrinks; " +
          "`: keepalive` every 15 s of silence. Resume with `Last-Event-ID`.",
        parameters: [
          {
            name: "offset",
            in: "query",
            description: "Start here (negative: from the end); default the end",
            schema: { type: "integer" },
          },
          { name: "Last-Event-ID", in: "header", schema: { type: "string" } },
        ],
        responses: {
          200: sse("The event stream"),
          404: error("BAD_NAME"),
          500: error("NO_FILE"),
        },
      },
    },
    "/events": {
      get: {
        summary: "Process state changes (server-sent events)",
        description: 'One `event: state` per change, data `{"namespec","group","name","from","to","expected",' +
          '"pid","time"}`; `: keepalive` every 15 s of silence.',
        responses: { 200: sse("The event stream") },
      },
    },
    "/health": {
      get: {
        summary: "200 when supervisord is RUNNING and every essential and every health-checked process is " +
          "RUNNING (and healthy), else 503",
        responses: {
          200: { description: "Healthy", content: jsonContent(ref("Health")) },
          503: { description: "Unhealthy, with the reasons", content: jsonContent(ref("Health")) },
        },
      },
    },
    "/logs/reopen": {
      post: {
        summary: "Reopen the main log and every process log (what SIGUSR2 does)",
        requestBody: jsonBodyOf({ type: "object", additionalProperties: false }),
        responses: {
          200: { description: "Reopened", content: jsonContent(ref("Done")) },
          415: error("UNSUPPORTED_MEDIA_TYPE"),
        },
      },
    },
    "/config/apply": {
      post: {
        summary: "Apply the config file as it is now on disk, process by process (surgical reload)",
        requestBody: jsonBodyOf({
          type: "object",
          additionalProperties: false,
          properties: { dry_run: { type: "boolean", description: "Only answer the plan (default false)" } },
        }),
        responses: {
          200: { description: "What changed (or would), process by process", content: jsonContent(ref("ApplyPlan")) },
          400: error("BAD_ARGUMENTS"),
          415: error("UNSUPPORTED_MEDIA_TYPE"),
          500: error("FAILED"),
        },
      },
    },
    "/logs/rotate": {
      post: {
        summary: "Rotate the main log and every process log now (as a size rotation would)",
        requestBody: jsonBodyOf({
          type: "object",
          additionalProperties: false,
          properties: {
            main: { type: "boolean", description: "Rotate the main log (default true)" },
            processes: { type: "boolean", description: "Rotate every process log (default true)" },
          },
        }),
        responses: {
          200: { description: "What was rotated", content: jsonContent(ref("RotateResults")) },
          400: error("BAD_ARGUMENTS"),
          415: error("UNSUPPORTED_MEDIA_TYPE"),
        },
      },
    },
    "/processes/{ns}/logs/rotate": {
      parameters: [ns],
      post: {
        summary: "Rotate the logs of a process or a group (`group:*`) now",
        parameters: [{ name: "stream", in: "query", schema: { enum: ["stdout", "stderr", "both"] } }],
        requestBody: jsonBodyOf({ type: "object", additionalProperties: false }),
        responses: {
          200: { description: "What was rotated", content: jsonContent(ref("RotateResults")) },
          400: error("BAD_ARGUMENTS"),
          404: error("BAD_NAME"),
          415: error("UNSUPPORTED_MEDIA_TYPE"),
        },
      },
    },
    "/processes/{ns}/schedule": {
      parameters: [ns],
      post: {
        summary: "Enable or disable a cron program's schedule",
        requestBody: jsonBodyOf({
          type: "object",
          additionalProperties: false,
          required: ["enabled"],
          properties: { enabled: { type: "boolean" } },
        }),
        responses: {
          200: {
            description: "The schedule",
            content: jsonContent({
              type: "object",
              required: ["cron", "cron_stop", "timezone", "overlap", "enabled", "next_run"],
              properties: {
                cron: { type: "string" },
                cron_stop: nullable("string"),
                timezone: { type: "string" },
                overlap: { enum: ["skip", "restart"] },
                enabled: { type: "boolean" },
                next_run: nullable("number"),
              },
            }),
          },
          400: error("BAD_ARGUMENTS"),
          404: error("BAD_NAME"),
          415: error("UNSUPPORTED_MEDIA_TYPE"),
        },
      },
    },
    "/openapi.json": {
      get: {
        summary: "This document",
        responses: { 200: { description: "OpenAPI 3.1", content: jsonContent({ type: "object" }) } },
      },
    },
  },
  components: { schemas: SCHEMAS },
};
