import { z } from "zod";

export const staffSessionSchema = z.object({
  kind: z.literal("staff"),
  staffId: z.uuid(),
  name: z.string(),
  email: z.string(),
  role: z.enum(["owner", "member"]),
  firm: z.object({ id: z.uuid(), name: z.string() }),
});

export type StaffSession = z.infer<typeof staffSessionSchema>;

export const signInBodySchema = z.object({
  email: z.string().trim().min(1, "Enter your e-mail address."),
  password: z.string().min(1, "Enter your password."),
});
