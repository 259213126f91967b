import type { ReactNode } from "react";

/** The centred card of sign-in and account pages, with the product or firm name above the title. */
export function AuthCard({
  eyebrow,
  title,
  intro,
  children,
}: {
  eyebrow: string;
  title: string;
  intro?: ReactNode;
  children: ReactNode;
}) {
  return (
    <main className="flex min-h-dvh items-center justify-center p-4">
      <div className="w-full max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
        <p className="text-sm font-semibold tracking-wide text-blue-800">{eyebrow}</p>
        <h1 className="mt-1 text-2xl font-semibold">{title}</h1>
        {intro && <div className="mt-1 text-sm text-slate-700">{intro}</div>}
        <div className="mt-6">{children}</div>
      </div>
    </main>
  );
}

/** A message after a form was sent: errors are alerts, confirmations are polite status. */
export function FormNotice({ tone, children }: { tone: "error" | "success"; children: ReactNode }) {
  return tone === "error" ? (
    <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-800">
      {children}
    </p>
  ) : (
    <output className="block rounded-md bg-green-50 p-3 text-sm text-green-900">{children}</output>
  );
}
