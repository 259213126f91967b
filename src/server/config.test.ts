import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

const base = { DATA_DIR: "/tmp/portico-config-test-unused", AUTH_SECRET: "c".repeat(40) };
const withTrustProxy = (value: string) => loadConfig({ ...base, TRUST_PROXY: value }).trustProxy;

describe("TRUST_PROXY", () => {
  it("trusts no proxy unless told", () => {
    expect(loadConfig(base).trustProxy).toBe(false);
    expect(withTrustProxy("false")).toBe(false);
    expect(withTrustProxy("0")).toBe(false);
  });

  it("takes a number of proxy hops", () => {
    expect(withTrustProxy("1")).toBe(1);
    expect(withTrustProxy("2")).toBe(2);
  });

  it("takes a list of proxy addresses and CIDRs", () => {
    expect(withTrustProxy("10.0.0.0/8,127.0.0.1")).toEqual(["10.0.0.0/8", "127.0.0.1"]);
    expect(withTrustProxy("::1, fd00::/8, loopback")).toEqual(["::1", "fd00::/8", "loopback"]);
  });

  it("refuses true, which let every client choose its own address, and says what to set", () => {
    expect(() => withTrustProxy("true")).toThrow(ConfigError);
    expect(() => withTrustProxy("true")).toThrow(
      /TRUST_PROXY: true is no longer accepted .*usually 1.*127\.0\.0\.1,10\.0\.0\.0\/8/,
    );
  });

  it("refuses what is neither a hop count nor addresses, naming the bad entries", () => {
    expect(() => withTrustProxy("yes")).toThrow(/TRUST_PROXY: .*\(yes\)/);
    expect(() => withTrustProxy("10.0.0.0/33,127.0.0.1")).toThrow(/\(10\.0\.0\.0\/33\)/);
    expect(() => withTrustProxy("proxy.example.com")).toThrow(/\(proxy\.example\.com\)/);
  });
});

describe("EMAIL_DELAY_SECONDS", () => {
  it("waits 5 minutes unless told, and takes whole seconds", () => {
    expect(loadConfig(base).emailDelaySeconds).toBe(300);
    expect(loadConfig({ ...base, EMAIL_DELAY_SECONDS: "60" }).emailDelaySeconds).toBe(60);
    expect(() => loadConfig({ ...base, EMAIL_DELAY_SECONDS: "1.5" })).toThrow(
      /EMAIL_DELAY_SECONDS: must be a whole number of seconds/,
    );
    expect(() => loadConfig({ ...base, EMAIL_DELAY_SECONDS: "-1" })).toThrow(ConfigError);
  });
});

describe("message rate limits", () => {
  it("default to a pace no person reaches, and can be changed", () => {
    expect(loadConfig(base)).toMatchObject({ messageSendRateLimit: 60, messageEditRateLimit: 60 });
    expect(
      loadConfig({ ...base, MESSAGE_SEND_RATE_LIMIT: "5", MESSAGE_EDIT_RATE_LIMIT: "7" }),
    ).toMatchObject({ messageSendRateLimit: 5, messageEditRateLimit: 7 });
    expect(() => loadConfig({ ...base, MESSAGE_SEND_RATE_LIMIT: "0" })).toThrow(
      /MESSAGE_SEND_RATE_LIMIT/,
    );
  });
});

describe("file configuration", () => {
  it("keeps files under DATA_DIR/files, at most 25 MB each, unless told otherwise", () => {
    const config = loadConfig(base);
    expect(config.fileStorage).toEqual({
      kind: "disk",
      directory: join("/tmp/portico-config-test-unused", "files"),
    });
    expect(config.attachmentMaxBytes).toBe(25 * 1024 * 1024);
    expect(loadConfig({ ...base, ATTACHMENT_MAX_MB: "10" }).attachmentMaxBytes).toBe(
      10 * 1024 * 1024,
    );
  });

  it("uses an S3-compatible bucket when S3_BUCKET is set", () => {
    const config = loadConfig({
      ...base,
      S3_BUCKET: "portico-files",
      S3_ENDPOINT: "http://127.0.0.1:9000",
      S3_ACCESS_KEY_ID: "minio",
      S3_SECRET_ACCESS_KEY: "minio-secret",
    });
    expect(config.fileStorage).toEqual({
      kind: "s3",
      bucket: "portico-files",
      region: "us-east-1",
      endpoint: "http://127.0.0.1:9000",
      credentials: { accessKeyId: "minio", secretAccessKey: "minio-secret" },
      forcePathStyle: true,
    });
    // AWS itself: virtual-hosted addresses and the SDK's own credentials (an instance role).
    expect(
      loadConfig({ ...base, S3_BUCKET: "portico-files", S3_REGION: "eu-central-1" }).fileStorage,
    ).toEqual({
      kind: "s3",
      bucket: "portico-files",
      region: "eu-central-1",
      endpoint: undefined,
      credentials: undefined,
      forcePathStyle: false,
    });
  });

  it.each([
    [{ ATTACHMENT_MAX_MB: "0" }, "ATTACHMENT_MAX_MB"],
    [{ ATTACHMENT_MAX_MB: "2.5" }, "ATTACHMENT_MAX_MB"],
    [{ ATTACHMENT_MAX_MB: "lots" }, "ATTACHMENT_MAX_MB"],
    [{ S3_BUCKET: "ab" }, "S3_BUCKET"],
    [{ S3_BUCKET: "Portico_Files" }, "S3_BUCKET"],
    [{ S3_BUCKET: "portico", S3_ENDPOINT: "minio:9000" }, "S3_ENDPOINT"],
    [{ S3_ENDPOINT: "http://127.0.0.1:9000" }, "S3_BUCKET"],
    [{ S3_BUCKET: "portico", S3_ACCESS_KEY_ID: "only-the-id" }, "S3_SECRET_ACCESS_KEY"],
    [{ S3_BUCKET: "portico", S3_FORCE_PATH_STYLE: "maybe" }, "S3_FORCE_PATH_STYLE"],
  ])("stops the start on %o, naming %s", (env, name) => {
    expect(() => loadConfig({ ...base, ...env })).toThrow(name);
  });
});

describe("DEMO_DATA", () => {
  it("is on for the embedded database and off with DATABASE_URL, unless told", () => {
    const postgres = { ...base, DATABASE_URL: "postgres://db.example/portico" };
    expect(loadConfig(base).demoData).toBe(true);
    expect(loadConfig(postgres).demoData).toBe(false);
    expect(loadConfig({ ...base, DEMO_DATA: "false" }).demoData).toBe(false);
    expect(loadConfig({ ...postgres, DEMO_DATA: "true" }).demoData).toBe(true);
    expect(() => loadConfig({ ...base, DEMO_DATA: "yes" })).toThrow(
      /DEMO_DATA: must be true or false/,
    );
  });
});
