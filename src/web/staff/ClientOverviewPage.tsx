import { Link, useParams } from "react-router";
import { usePageTitle } from "../ui/usePageTitle.js";
import { useClient, useContacts } from "./clients.queries.js";

export function ClientOverviewPage() {
  const { clientId = "" } = useParams();
  const client = useClient(clientId);
  const contacts = useContacts(clientId);
  usePageTitle(client.data?.name ?? "Client");
  const all = contacts.data?.contacts ?? [];
  const withPortal = all.filter((contact) => contact.portalStatus === "active").length;

  return (
    <section aria-labelledby="overview-heading">
      <h2 id="overview-heading" className="text-lg font-semibold">
        Overview
      </h2>
      <dl className="mt-4 grid max-w-md grid-cols-2 gap-4">
        <div className="rounded-lg border border-slate-200 bg-white p-4">
          <dt className="text-sm text-slate-600">Contacts</dt>
          <dd className="text-2xl font-semibold">{contacts.isSuccess ? all.length : "…"}</dd>
        </div>
        <div className="rounded-lg border border-slate-200 bg-white p-4">
          <dt className="text-sm text-slate-600">With portal access</dt>
          <dd className="text-2xl font-semibold">{contacts.isSuccess ? withPortal : "…"}</dd>
        </div>
      </dl>
      <p className="mt-4 text-sm">
        <Link to={`/clients/${clientId}/contacts`} className="text-blue-800 hover:underline">
          Manage contacts
        </Link>
      </p>
    </section>
  );
}
