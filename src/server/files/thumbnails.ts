import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import sharp from "sharp";
import { THUMBNAIL_MAX_PX } from "../../shared/api/files.js";

// Each upload is decoded once: libvips' operation cache would only hold on to memory.
sharp.cache(false);

/** Refuses to decode images past this many pixels (a small file can claim a huge canvas). */
const MAX_INPUT_PIXELS = 100_000_000;

/**
 * A WebP thumbnail of an image, fitted inside THUMBNAIL_MAX_PX, turned upright by its EXIF
 * orientation and stripped of its metadata (a phone photo's location stays in the original only).
 */
export async function makeThumbnail(image: Readable): Promise<Buffer> {
  const transformer = sharp({ limitInputPixels: MAX_INPUT_PIXELS })
    .rotate()
    .resize(THUMBNAIL_MAX_PX, THUMBNAIL_MAX_PX, { fit: "inside", withoutEnlargement: true })
    .webp({ quality: 75 });
  const [thumbnail] = await Promise.all([transformer.toBuffer(), pipeline(image, transformer)]);
  return thumbnail;
}
