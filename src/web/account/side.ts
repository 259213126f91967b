/** Which side of Portico a sign-in page belongs to: the firm's staff, or clients' contacts. */
export type SignInSide = "staff" | "portal";

export const sideText = {
  staff: {
    eyebrow: "Portico",
    signIn: "/sign-in",
    forgotPassword: "/forgot-password",
    resetSentTo: (email: string) => `If ${email} belongs to a Portico account,`,
  },
  portal: {
    eyebrow: "Client portal",
    signIn: "/portal/sign-in",
    forgotPassword: "/portal/forgot-password",
    resetSentTo: (email: string) => `If ${email} has portal access,`,
  },
} as const;
