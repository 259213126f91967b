import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { join, resolve } from "node:path";
import { z } from "zod";

/** Names proxy-addr (Fastify's trust-proxy matcher) understands in place of addresses. */
const proxyAddressNames = new Set(["loopback", "linklocal", "uniquelocal"]);

function isProxyAddress(entry: string): boolean {
  if (proxyAddressNames.has(entry)) return true;
  const [address = "", prefix, ...rest] = entry.split("/");
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d+$/.test(prefix) && bits <= (version === 4 ? 32 : 128);
}

/**
 * Which proxies may name the client's address in X-Forwarded-For: none, a number of hops, or
 * the proxies' own addresses. `true` trusted every hop, so a client could pick its own address
 * (and with it a fresh rate-limit bucket); it is refused rather than quietly reinterpreted.
 */
const trustProxyFromEnv = z
  .string()
  .trim()
  .transform((value, context): false | number | string[] => {
    if (value === "false" || value === "0") return false;
    if (/^\d+$/.test(value)) return Number(value);
    if (value === "true") {
      context.addIssue({
        code: "custom",
        message:
          "true is no longer accepted (it let clients choose their own address): give the number of proxies in front of Portico, usually 1, or their addresses, like 127.0.0.1,10.0.0.0/8",
      });
      return z.NEVER;
    }
    const entries = value.split(",").map((entry) => entry.trim());
    const wrong = entries.filter((entry) => !isProxyAddress(entry));
    if (wrong.length > 0) {
      context.addIssue({
        code: "custom",
        message: `not a number of proxies or a list of proxy addresses/CIDRs (${wrong.join(", ")})`,
      });
      return z.NEVER;
    }
    return entries;
  });

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
    .optional(),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "must start with smtp:// or smtps://")
    .optional(),
  MAIL_FROM: z.string().min(3).default("Portico <no-reply@portico.invalid>"),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must start with redis:// or rediss://")
    .optional(),
  TRUST_PROXY: trustProxyFromEnv.default(false),
  SIGN_IN_RATE_LIMIT: z.coerce.number().int().min(1).default(10),
  MESSAGE_SEND_RATE_LIMIT: z.coerce.number().int().min(1).default(60),
  MESSAGE_EDIT_RATE_LIMIT: z.coerce.number().int().min(1).default(60),
  EMAIL_DELAY_SECONDS: z.coerce
    .number()
    .int("must be a whole number of seconds")
    .min(0)
    .max(7 * 24 * 3600)
    .default(300),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  ATTACHMENT_MAX_MB: z.coerce
    .number()
    .int("must be a whole number of megabytes")
    .min(1)
    .max(2048)
    .default(25),
  S3_BUCKET: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      "must be a bucket name of 3–63 lowercase letters, digits, dots and hyphens",
    )
    .optional(),
  S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  S3_REGION: z.string().min(1).default("us-east-1"),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: z
    .enum(["true", "false"], "must be true or false")
    .transform((value) => value === "true")
    .optional(),
  DEMO_DATA: z
    .enum(["true", "false"], "must be true or false")
    .transform((value) => value === "true")
    .optional(),
});

/** Where uploaded files live: a directory (the default, under DATA_DIR) or an S3-compatible bucket. */
export type FileStorageConfig =
  | { kind: "disk"; directory: string }
  | {
      kind: "s3";
      bucket: string;
      region: string;
      /** Unset for AWS itself; the server's URL for MinIO, Ceph, R2 and the like. */
      endpoint: string | undefined;
      /** Unset: the SDK's usual sources (environment, instance role). */
      credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
      forcePathStyle: boolean;
    };

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  publicUrl: string;
  authSecret: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  redisUrl: string | undefined;
  /** Fastify's `trustProxy`: false, a number of proxy hops, or the proxies' addresses/CIDRs. */
  trustProxy: false | number | string[];
  signInRateLimit: number;
  /** Messages one person may send per minute (each server process shares the count). */
  messageSendRateLimit: number;
  /** Message edits one person may make per minute. */
  messageEditRateLimit: number;
  /** How long a message waits unread in the app before anyone is e-mailed about it. */
  emailDelaySeconds: number;
  logLevel: z.infer<typeof envSchema>["LOG_LEVEL"];
  attachmentMaxBytes: number;
  fileStorage: FileStorageConfig;
  /**
   * Whether an empty database gets the demo firms (public passwords). On by default only on the
   * embedded database, so the quick start shows the demo and a PostgreSQL install starts empty.
   */
  demoData: boolean;
};

export class ConfigError extends Error {}

/** Reads and validates configuration; a bad variable stops the start with its name in the message. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => key in envSchema.shape && value !== ""),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".")}: ${issue.message}`,
    );
    throw new ConfigError(`Invalid configuration — ${problems.join("; ")}`);
  }
  const values = parsed.data;
  const dataDir = resolve(values.DATA_DIR);
  const browsableHost =
    values.HOST === "0.0.0.0" || values.HOST === "::" ? "localhost" : values.HOST;
  return {
    port: values.PORT,
    host: values.HOST,
    dataDir,
    databaseUrl: values.DATABASE_URL,
    publicUrl: (values.PUBLIC_URL ?? `http://${browsableHost}:${values.PORT}`).replace(/\/$/, ""),
    authSecret: values.AUTH_SECRET ?? readOrCreateSecret(dataDir, "auth-secret"),
    smtpUrl: values.SMTP_URL,
    mailFrom: values.MAIL_FROM,
    redisUrl: values.REDIS_URL,
    trustProxy: values.TRUST_PROXY,
    signInRateLimit: values.SIGN_IN_RATE_LIMIT,
    messageSendRateLimit: values.MESSAGE_SEND_RATE_LIMIT,
    messageEditRateLimit: values.MESSAGE_EDIT_RATE_LIMIT,
    emailDelaySeconds: values.EMAIL_DELAY_SECONDS,
    logLevel: values.LOG_LEVEL,
    attachmentMaxBytes: values.ATTACHMENT_MAX_MB * 1024 * 1024,
    fileStorage: fileStorageFrom(values, dataDir),
    demoData: values.DEMO_DATA ?? values.DATABASE_URL === undefined,
  };
}

function fileStorageFrom(values: z.infer<typeof envSchema>, dataDir: string): FileStorageConfig {
  const s3Names = [
    "S3_ENDPOINT",
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
    "S3_FORCE_PATH_STYLE",
  ] as const;
  if (!values.S3_BUCKET) {
    const stray = s3Names.filter((name) => values[name] !== undefined);
    if (stray.length > 0) {
      throw new ConfigError(
        `Invalid configuration — S3_BUCKET: required when ${stray.join(", ")} is set`,
      );
    }
    return { kind: "disk", directory: join(dataDir, "files") };
  }
  const { S3_ACCESS_KEY_ID: accessKeyId, S3_SECRET_ACCESS_KEY: secretAccessKey } = values;
  if (Boolean(accessKeyId) !== Boolean(secretAccessKey)) {
    const missing = accessKeyId ? "S3_SECRET_ACCESS_KEY" : "S3_ACCESS_KEY_ID";
    throw new ConfigError(
      `Invalid configuration — ${missing}: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together`,
    );
  }
  return {
    kind: "s3",
    bucket: values.S3_BUCKET,
    region: values.S3_REGION,
    endpoint: values.S3_ENDPOINT,
    credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
    // Self-hosted S3 servers mostly answer only at path-style addresses (host/bucket/key).
    forcePathStyle: values.S3_FORCE_PATH_STYLE ?? values.S3_ENDPOINT !== undefined,
  };
}

/** Secrets not given in the environment are generated once and kept in DATA_DIR, so sessions survive restarts. */
function readOrCreateSecret(dataDir: string, name: string): string {
  const path = join(dataDir, "secrets", name);
  if (existsSync(path)) return readFileSync(path, "utf8").trim();
  mkdirSync(join(dataDir, "secrets"), { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  return secret;
}
