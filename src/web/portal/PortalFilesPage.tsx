import { Link, useParams } from "react-router";
import { ClientFilesList } from "../messages/ClientFilesList.js";
import { usePageTitle } from "../ui/usePageTitle.js";

/** The contact's Files: every file of the messages they can see, newest first. */
export function PortalFilesPage() {
  const { clientId = "" } = useParams();
  usePageTitle("Files");
  return (
    <main className="min-h-0 flex-1 overflow-y-auto p-4 sm:p-6">
      <Link to={`/portal/clients/${clientId}`} className="text-sm text-blue-800 hover:underline">
        ← Messages
      </Link>
      <h1 className="mt-1 mb-3 text-xl font-semibold">Files</h1>
      <ClientFilesList
        clientId={clientId}
        conversationLink={(conversationId) => `/portal/clients/${clientId}/${conversationId}`}
      />
    </main>
  );
}
