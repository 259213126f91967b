import { useParams } from "react-router";
import { ClientFilesList } from "../../messages/ClientFilesList.js";
import { usePageTitle } from "../../ui/usePageTitle.js";

/** Client record → Communications → Files: every file sent in the client's conversations. */
export function FilesPage() {
  const { clientId = "" } = useParams();
  usePageTitle("Files");
  return (
    <section aria-labelledby="files-heading">
      <h2 id="files-heading" className="mb-3 text-xl font-semibold">
        Files
      </h2>
      <ClientFilesList
        clientId={clientId}
        conversationLink={(conversationId) => `/clients/${clientId}/messages/${conversationId}`}
      />
    </section>
  );
}
