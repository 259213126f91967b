import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { precompressAssets } from "./scripts/precompress.js";

const outDir = `${import.meta.dirname}/dist/web`;

export default defineConfig({
  root: "src/web",
  plugins: [react(), tailwindcss(), precompressAssets(`${outDir}/assets`)],
  build: {
    outDir,
    emptyOutDir: true,
    // No source maps: the server never hands them out (and Tailwind's plugin cannot map its CSS).
    sourcemap: false,
    // `.vite/manifest.json` says which chunks each screen loads (the bundle-size test reads it).
    manifest: true,
  },
});
