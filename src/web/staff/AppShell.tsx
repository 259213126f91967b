import { Link, Outlet } from "react-router";
import { useRealtimeUpdates } from "../messages/useRealtimeUpdates.js";
import { Button } from "../ui/Button.js";
import { ConnectionBanner } from "../ui/ConnectionBanner.js";
import { NotificationsButton } from "./NotificationsButton.js";
import { useInboxUnreadTotal } from "./notifications.queries.js";
import { signOut, useStaffSession } from "./session.js";

/**
 * The signed-in staff frame: a header with the firm and the user, and the page below, which
 * scrolls on its own so panes inside it (like a message thread) can fill the height.
 */
export function AppShell() {
  const session = useStaffSession();
  useRealtimeUpdates();
  const inboxUnread = useInboxUnreadTotal().data ?? 0;
  return (
    <div className="flex h-dvh flex-col">
      <header className="flex shrink-0 flex-wrap items-center justify-between gap-2 border-b border-slate-200 bg-white px-4 py-2 sm:px-6">
        <div className="flex flex-wrap items-center gap-x-4 gap-y-1">
          <Link to="/clients" className="font-semibold text-blue-800">
            Portico
          </Link>
          <span className="text-sm text-slate-700">{session.data?.firm.name}</span>
          <Link to="/inbox" className="text-sm text-blue-800 hover:underline">
            Inbox
            {inboxUnread > 0 && (
              <span className="ml-1 rounded-full bg-blue-700 px-1.5 text-xs font-semibold text-white">
                {inboxUnread > 99 ? "99+" : inboxUnread}
                <span className="sr-only"> unread</span>
              </span>
            )}
          </Link>
          {session.data?.can.manageTeam && (
            <Link to="/team" className="text-sm text-blue-800 hover:underline">
              Team
            </Link>
          )}
          {session.data?.can.readOutbox && (
            <Link to="/outbox" className="text-sm text-blue-800 hover:underline">
              Outbox
            </Link>
          )}
        </div>
        <div className="flex items-center gap-3">
          <Link to="/account" className="text-sm text-blue-800 hover:underline">
            Account
          </Link>
          <NotificationsButton />
          <span className="text-sm text-slate-700">{session.data?.name}</span>
          <Button variant="secondary" onClick={() => void signOut()}>
            Sign out
          </Button>
        </div>
      </header>
      <ConnectionBanner />
      <div className="flex min-h-0 flex-1 flex-col overflow-y-auto">
        <Outlet />
      </div>
    </div>
  );
}
