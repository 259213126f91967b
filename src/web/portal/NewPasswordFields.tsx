import {
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  newPasswordSchema,
} from "../../shared/api/session.js";
import { TextField } from "../ui/TextField.js";

export const passwordRules = [
  `At least ${MIN_PASSWORD_LENGTH} characters (at most ${MAX_PASSWORD_LENGTH}).`,
  "Not one or two characters repeated: mix at least four different ones.",
  "A short sentence you can remember works well.",
];

/** The one problem that belongs to the repeat field rather than the password itself. */
const PASSWORDS_DIFFER = "The two passwords are not the same.";

/** Checks a new password against the same rules the server applies; returns the first problem. */
export function newPasswordProblem(password: string, confirmation: string): string | undefined {
  const result = newPasswordSchema.safeParse(password);
  if (!result.success) return result.error.issues[0]?.message;
  if (password !== confirmation) return PASSWORDS_DIFFER;
  return undefined;
}

/**
 * A new password with its rules spelled out, and a confirmation field; a problem is shown
 * under the field it is about (passwords that differ, under the repeat field).
 */
export function NewPasswordFields({ error }: { error?: string }) {
  const aboutRepeat = error === PASSWORDS_DIFFER;
  return (
    <>
      <div>
        <p id="password-rules-title" className="text-sm font-medium">
          Your password
        </p>
        <ul
          aria-labelledby="password-rules-title"
          className="mt-1 list-disc pl-5 text-sm text-slate-700"
        >
          {passwordRules.map((rule) => (
            <li key={rule}>{rule}</li>
          ))}
        </ul>
      </div>
      <TextField
        label="New password"
        name="password"
        type="password"
        autoComplete="new-password"
        error={aboutRepeat ? undefined : error}
      />
      <TextField
        label="Repeat the password"
        name="confirmation"
        type="password"
        autoComplete="new-password"
        error={aboutRepeat ? error : undefined}
      />
    </>
  );
}
