/**
 * The component schemas of the OpenAPI document of `/api/v1` (openapi.ts):
 * the JSON shapes the API answers with.
 *
 * Python counterpart: none (supervisor/rpcinterface.py `getProcessInfo` for
 * the process fields).
 * @module
 */

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
/** A JSON Schema type that also allows null. */
export const nullable = (type: string, extra: Record<string, unknown> = {}) => ({ type: [type, "null"], ...extra });

const PROCESS = {
  type: "object",
  description: "supervisord's getProcessInfo struct, plus extension fields (null when not tracked)",
  required: [
    "name",
    "group",
    "namespec",
    "start",
    "stop",
    "now",
    "state",
    "statename",
    "spawnerr",
    "exitstatus",
    "logfile",
    "stdout_logfile",
    "stderr_logfile",
    "pid",
    "description",
    "backoff",
    "health",
    "depends_on",
    "waiting_on",
    "dependency_failed",
    "restarts",
    "consecutive_failures",
    "next_start_at",
    "essential",
    "shutdown_on_exit",
    "cpu_seconds",
    "rss_bytes",
    "schedule",
    "watch",
  ],
  additionalProperties: false,
  properties: {
    name: { type: "string" },
    group: { type: "string" },
    namespec: { type: "string" },
    start: { type: "integer" },
    stop: { type: "integer" },
    now: { type: "integer" },
    state: { type: "integer" },
    statename: { enum: ["STOPPED", "STARTING", "RUNNING", "BACKOFF", "STOPPING", "EXITED", "FATAL", "UNKNOWN"] },
    spawnerr: { type: "string" },
    exitstatus: { type: "integer" },
    logfile: { type: "string" },
    stdout_logfile: { type: "string" },
    stderr_logfile: { type: "string" },
    pid: { type: "integer" },
    description: { type: "string" },
    backoff: { type: "integer" },
    health: {
      type: ["object", "null"],
      description: "The health check; null without one",
      required: ["status", "failures", "history"],
      additionalProperties: false,
      properties: {
        status: { enum: ["starting", "healthy", "unhealthy"] },
        failures: { type: "integer" },
        history: {
          type: "array",
          items: {
            type: "object",
            required: ["time", "ok", "latency_ms", "detail"],
            additionalProperties: false,
            properties: {
              time: { type: "number" },
              ok: { type: "boolean" },
              latency_ms: { type: "number" },
              detail: { type: "string" },
            },
          },
        },
      },
    },
    depends_on: nullable("array", { items: { type: "string" } }),
    waiting_on: nullable("array", { items: { type: "string" } }),
    dependency_failed: {
      type: ["object", "null"],
      required: ["target", "state"],
      additionalProperties: false,
      properties: { target: { type: "string" }, state: { type: "string" } },
    },
    restarts: nullable("integer"),
    consecutive_failures: { type: "integer" },
    next_start_at: nullable("number"),
    essential: { type: "boolean" },
    shutdown_on_exit: { type: "boolean" },
    cpu_seconds: nullable("number"),
    rss_bytes: nullable("integer"),
    schedule: nullable("string"),
    watch: nullable("array", { items: { type: "string" } }),
  },
};

/** The schemas, by name. */
export const SCHEMAS = {
  Error: {
    type: "object",
    required: ["error"],
    additionalProperties: false,
    properties: {
      error: {
        type: "object",
        required: ["code", "message"],
        additionalProperties: false,
        properties: {
          code: {
            description: "supervisord's fault name, or an HTTP-level code",
            enum: [
              "BAD_NAME",
              "BAD_ARGUMENTS",
              "BAD_SIGNAL",
              "NO_FILE",
              "NOT_EXECUTABLE",
              "ALREADY_STARTED",
              "NOT_RUNNING",
              "STILL_RUNNING",
              "SPAWN_ERROR",
              "ABNORMAL_TERMINATION",
              "SHUTDOWN_STATE",
              "FAILED",
              "NOT_FOUND",
              "METHOD_NOT_ALLOWED",
              "UNSUPPORTED_MEDIA_TYPE",
            ],
          },
          message: { type: "string" },
        },
      },
    },
  },
  Process: PROCESS,
  ProcessList: {
    type: "object",
    required: ["processes"],
    additionalProperties: false,
    properties: { processes: { type: "array", items: ref("Process") } },
  },
  ControlResults: {
    type: "object",
    required: ["results"],
    additionalProperties: false,
    properties: {
      results: {
        type: "array",
        items: {
          type: "object",
          required: ["group", "name", "namespec", "status"],
          additionalProperties: false,
          properties: {
            group: { type: "string" },
            name: { type: "string" },
            namespec: { type: "string" },
            status: { enum: ["ok", "error", "pending"] },
            error: ref("Error/properties/error"),
          },
        },
      },
    },
  },
  LogRead: {
    type: "object",
    required: ["offset", "next_offset", "size", "data"],
    additionalProperties: false,
    properties: {
      offset: { type: "integer", description: "Where the data starts" },
      next_offset: { type: "integer", description: "Where the next read starts" },
      size: { type: "integer", description: "The file size at the time of the read" },
      data: { type: "string" },
    },
  },
  Health: {
    type: "object",
    required: ["status", "state", "reasons"],
    additionalProperties: false,
    properties: {
      status: { enum: ["ok", "unhealthy"] },
      state: { enum: ["FATAL", "RUNNING", "RESTARTING", "SHUTDOWN"] },
      reasons: { type: "array", items: { type: "string" } },
    },
  },
  ApplyPlan: {
    type: "object",
    required: ["dry_run", "changes"],
    additionalProperties: false,
    properties: {
      dry_run: { type: "boolean" },
      changes: {
        type: "array",
        items: {
          type: "object",
          required: ["process", "kind", "detail"],
          additionalProperties: false,
          properties: {
            process: { type: "string", description: "`group:name`" },
            kind: { enum: ["restart", "in place", "add", "remove"] },
            detail: { type: "string", description: "Keys that changed (no environment values)" },
          },
        },
      },
    },
  },
  RotateResults: {
    type: "object",
    required: ["results"],
    additionalProperties: false,
    properties: {
      results: {
        type: "array",
        items: {
          type: "object",
          required: ["target", "stream", "path", "rotated"],
          additionalProperties: false,
          properties: {
            target: { type: "string", description: "`main` or a namespec" },
            stream: { enum: ["main", "stdout", "stderr"] },
            path: { type: "string" },
            rotated: { type: "boolean", description: "false: not open, not a regular file, or no backups kept" },
          },
        },
      },
    },
  },
  Done: {
    type: "object",
    additionalProperties: { type: "boolean" },
  },
};
