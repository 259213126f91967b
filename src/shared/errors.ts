import { z } from "zod";

/** Every API error has this shape; `fields` names the inputs that were rejected, when there are any. */
export const apiErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.record(z.string(), z.string()).optional(),
  }),
});

export type ApiError = z.infer<typeof apiErrorSchema>["error"];
