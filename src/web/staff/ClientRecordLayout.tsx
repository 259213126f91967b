import type { ReactNode } from "react";
import { Link, NavLink, Outlet, useParams } from "react-router";
import { UnreadBadge } from "../messages/UnreadBadge.js";
import { useClient } from "./clients.queries.js";
import { useConversationList } from "./messages/staffMessages.queries.js";

function SidebarLink({ to, end, children }: { to: string; end?: boolean; children: ReactNode }) {
  return (
    <NavLink
      to={to}
      end={end}
      className={({ isActive }) =>
        `flex items-center justify-between gap-2 rounded-md px-3 py-1.5 text-sm whitespace-nowrap ${
          isActive ? "bg-blue-100 font-medium text-blue-900" : "text-slate-800 hover:bg-slate-200"
        }`
      }
    >
      {children}
    </NavLink>
  );
}

/**
 * A client record: its name on top, sections in a left sidebar, the chosen section beside it.
 * Below `lg` the sidebar becomes one row of section links above the section, so a tablet or a
 * phone keeps the width for the section itself.
 */
export function ClientRecordLayout() {
  const { clientId = "" } = useParams();
  const client = useClient(clientId);
  const conversations = useConversationList(clientId);

  if (client.isError) {
    return (
      <main className="p-6">
        <h1 className="text-xl font-semibold">Client not available</h1>
        <p role="alert" className="mt-2 text-slate-700">
          {client.error.message}
        </p>
      </main>
    );
  }

  const base = `/clients/${clientId}`;
  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <div className="shrink-0 border-b border-slate-200 bg-white px-4 py-2 sm:px-6">
        {/* A plain link: it leads up, it is never the current page. */}
        <Link to="/clients" className="text-sm text-blue-800 hover:underline">
          ← All clients
        </Link>
        <h1 className="text-xl font-semibold">{client.data?.name ?? "Loading…"}</h1>
      </div>
      <div className="flex min-h-0 flex-1 flex-col lg:flex-row">
        <nav
          aria-label="Client sections"
          className="flex shrink-0 overflow-x-auto border-b border-slate-200 px-2 py-1.5 lg:w-56 lg:flex-col lg:overflow-x-visible lg:overflow-y-auto lg:border-r lg:border-b-0 lg:p-3"
        >
          <ul className="flex gap-1 lg:flex-col">
            <li>
              <SidebarLink to={base} end>
                Overview
              </SidebarLink>
            </li>
            <li>
              <SidebarLink to={`${base}/contacts`}>Contacts</SidebarLink>
            </li>
          </ul>
          <h2 className="sr-only lg:not-sr-only lg:mt-6 lg:px-3 lg:text-xs lg:font-semibold lg:tracking-wide lg:text-slate-600 lg:uppercase">
            Communications
          </h2>
          <ul className="flex gap-1 lg:mt-1 lg:flex-col">
            <li>
              <SidebarLink to={`${base}/messages`}>
                Messages
                <UnreadBadge count={conversations.data?.unreadTotal ?? 0} />
              </SidebarLink>
            </li>
            <li>
              <SidebarLink to={`${base}/files`}>Files</SidebarLink>
            </li>
          </ul>
        </nav>
        <main className="flex min-h-0 min-w-0 flex-1 flex-col overflow-y-auto p-3 sm:p-4">
          <Outlet />
        </main>
      </div>
    </div>
  );
}
