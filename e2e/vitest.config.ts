import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["e2e/**/*.e2e.ts"],
    testTimeout: 60_000,
    // Starting a server (compiling it, opening and seeding its database) is slow on a busy machine.
    hookTimeout: 180_000,
    // Each file starts its own server and browser; two at once is what two cores can carry.
    maxWorkers: 2,
  },
});
