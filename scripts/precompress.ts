import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import type { Plugin } from "vite";

/** Text assets worth compressing; images and fonts are compressed already. */
const compressible = /\.(js|mjs|css|html|svg|json|txt)$/;

/** Writes `.br` and `.gz` beside every compressible file in `directory` (at the highest levels). */
export function precompressDirectory(directory: string) {
  for (const entry of readdirSync(directory)) {
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) {
      precompressDirectory(path);
      continue;
    }
    if (!compressible.test(entry)) continue;
    const bytes = readFileSync(path);
    writeFileSync(`${path}.gz`, gzipSync(bytes, { level: 9 }));
    writeFileSync(
      `${path}.br`,
      brotliCompressSync(bytes, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: 11,
          [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        },
      }),
    );
  }
}

/**
 * Compresses the built assets once, at build time, so the server sends brotli or gzip without
 * spending CPU on every request.
 */
export function precompressAssets(assetsDir: string): Plugin {
  return {
    name: "portico-precompress",
    apply: "build",
    closeBundle() {
      precompressDirectory(assetsDir);
    },
  };
}
