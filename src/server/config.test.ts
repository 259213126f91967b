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
