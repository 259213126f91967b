import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { RouterProvider } from "react-router";
import { isRetryable, isTwoFactorSetupRequired, isUnauthenticated } from "./api.js";
import { isSignedOut, isSigningOut } from "./auth.js";
import { linkQueriesToConnection } from "./connection.js";
import "./app.css";
import { router } from "./routes.js";

/**
 * A session that ends while the app is open sends the user back to sign-in, to return here
 * after: contacts to the portal's sign-in, staff to theirs.
 */
function onApiError(error: unknown) {
  const { pathname, search } = window.location;
  const signIn =
    pathname === "/portal" || pathname.startsWith("/portal/") ? "/portal/sign-in" : "/sign-in";
  if (isUnauthenticated(error) && pathname !== signIn && !isSigningOut()) {
    void isSignedOut().then((signedOut) => {
      if (signedOut)
        window.location.assign(`${signIn}?next=${encodeURIComponent(pathname + search)}`);
    });
  }
  // The firm requires two-factor sign-in and this member has not set it up: that comes first.
  if (isTwoFactorSetupRequired(error) && pathname !== "/two-factor-setup") {
    window.location.assign("/two-factor-setup");
  }
}

linkQueriesToConnection();
const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: onApiError }),
  mutationCache: new MutationCache({ onError: onApiError }),
  defaultOptions: {
    queries: {
      // A refusal such as 403 or 404 shows at once; only what may pass on a second try is retried.
      retry: (count, error) => isRetryable(error) && count < 2,
      staleTime: 10_000,
    },
  },
});

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
