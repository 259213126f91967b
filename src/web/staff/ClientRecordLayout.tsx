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
        `flex items-center justify-between rounded-md px-3 py-1.5 text-sm ${
          isActive ? "bg-blue-100 font-medium text-blue-900" : "text-slate-800 hover:bg-slate-200"
        }`
      }
    >
      {children}
    </NavLink>
  );
}

/** A client record: its name on top, sections in a left sidebar, the chosen section beside it. */
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
      <div className="shrink-0 border-b border-slate-200 bg-white px-6 py-4">
        {/* A plain link: it leads up, it is never the current page. */}
        <Link to="/clients" className="text-sm text-blue-800 hover:underline">
          ← All clients
        </Link>
        <h1 className="mt-1 text-2xl font-semibold">{client.data?.name ?? "Loading…"}</h1>
      </div>
      <div className="flex min-h-0 flex-1">
        <nav
          aria-label="Client sections"
          className="w-56 shrink-0 overflow-y-auto border-r border-slate-200 p-3"
        >
          <ul className="flex flex-col gap-1">
            <li>
              <SidebarLink to={base} end>
                Overview
              </SidebarLink>
            </li>
            <li>
              <SidebarLink to={`${base}/contacts`}>Contacts</SidebarLink>
            </li>
          </ul>
          <h2 className="mt-6 px-3 text-xs font-semibold tracking-wide text-slate-600 uppercase">
            Communications
          </h2>
          <ul className="mt-1 flex flex-col gap-1">
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
        <main className="flex min-h-0 min-w-0 flex-1 flex-col overflow-y-auto p-6">
          <Outlet />
        </main>
      </div>
    </div>
  );
}
