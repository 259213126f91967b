import { Link, Navigate, Outlet, useLocation, useNavigate, useParams } from "react-router";
import { signOutTo } from "../auth.js";
import { MessagingSideProvider } from "../messages/messagingSide.js";
import { useRealtimeUpdates } from "../messages/useRealtimeUpdates.js";
import { Button } from "../ui/Button.js";
import { ConnectionBanner } from "../ui/ConnectionBanner.js";
import { usePortalSession } from "./portal.queries.js";

/**
 * The signed-in contact's frame: the firm's name, a client menu when the person is a contact of
 * several clients, and sign-out. Messaging calls below it go to the portal's endpoints.
 */
export function PortalShell() {
  return (
    <MessagingSideProvider value="portal">
      <PortalFrame />
    </MessagingSideProvider>
  );
}

function PortalFrame() {
  const session = usePortalSession();
  const { clientId } = useParams();
  const navigate = useNavigate();
  const onAccountPage = useLocation().pathname === "/portal/account";
  useRealtimeUpdates();

  if (session.isError) {
    return (
      <main className="p-6">
        <h1 className="text-xl font-semibold">The portal is not available</h1>
        <p role="alert" className="mt-2 text-slate-800">
          {session.error.message}
        </p>
      </main>
    );
  }
  const clients = session.data?.clients ?? [];
  const current = clients.find((client) => client.clientId === clientId) ?? clients[0];
  // The section links show from the first paint (the address names the client), so the header
  // keeps its size when the session arrives.
  const sectionsClientId = current?.clientId ?? clientId;
  if (session.data && !clientId && current && !onAccountPage) {
    return <Navigate to={`/portal/clients/${current.clientId}`} replace />;
  }

  return (
    <div className="flex h-dvh flex-col">
      <header className="flex shrink-0 flex-wrap items-center justify-between gap-2 border-b border-slate-200 bg-white px-4 py-3">
        {/* On a phone the names take the first line and the links the second, loaded or not. */}
        <div className="flex h-8 w-full min-w-0 items-center gap-3 sm:w-auto">
          <span className="truncate font-semibold text-blue-800">
            {current?.firmName ?? "Client portal"}
          </span>
          {clients.length > 1 && (
            <label className="flex items-center gap-2 text-sm">
              <span className="text-slate-700">Client</span>
              <select
                value={current?.clientId}
                onChange={(event) => navigate(`/portal/clients/${event.target.value}`)}
                className="rounded-md border border-slate-400 bg-white px-2 py-1"
              >
                {clients.map((client) => (
                  <option key={client.clientId} value={client.clientId}>
                    {client.clientName}
                  </option>
                ))}
              </select>
            </label>
          )}
          {clients.length === 1 && current && (
            <span className="truncate text-sm text-slate-700">{current.clientName}</span>
          )}
        </div>
        <div className="flex items-center gap-3">
          {sectionsClientId && (
            <nav aria-label="Portal sections" className="flex items-center gap-3 text-sm">
              <Link
                to={`/portal/clients/${sectionsClientId}`}
                className="text-blue-800 hover:underline"
              >
                Messages
              </Link>
              <Link
                to={`/portal/clients/${sectionsClientId}/files`}
                className="text-blue-800 hover:underline"
              >
                Files
              </Link>
            </nav>
          )}
          <span className="hidden w-40 truncate text-right text-sm text-slate-700 sm:inline-block">
            {session.data?.name}
          </span>
          <Link to="/portal/account" className="text-sm text-blue-800 hover:underline">
            Account
          </Link>
          <Button variant="secondary" onClick={() => void signOutTo("/portal/sign-in")}>
            Sign out
          </Button>
        </div>
      </header>
      <ConnectionBanner />
      <div className="flex min-h-0 flex-1 flex-col">
        {session.data && clients.length === 0 && !onAccountPage ? (
          <main className="p-6">
            <h1 className="text-xl font-semibold">No portal access</h1>
            <p className="mt-2 text-slate-800">
              Your access to the portal has ended. Ask your contact at the firm to invite you again.
            </p>
          </main>
        ) : (
          <Outlet />
        )}
      </div>
    </div>
  );
}
