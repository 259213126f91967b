import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { call } from "../api.js";
import { FormNotice } from "../ui/AuthCard.js";

const preferenceQuery = (clientId: string) => ({
  queryKey: ["mail-preferences", clientId],
  queryFn: () => call("getPortalMailPreferences", { params: { clientId } }),
});

/**
 * A contact's switch for e-mails about new messages, at one client: the same setting the
 * unsubscribe link in those e-mails changes.
 */
export function MessageEmailsSetting({
  clientId,
  clientName,
  firmName,
}: {
  clientId: string;
  clientName: string;
  firmName: string;
}) {
  const queryClient = useQueryClient();
  const query = preferenceQuery(clientId);
  const preference = useQuery(query);
  const update = useMutation({
    mutationFn: (messageEmails: boolean) =>
      call("updatePortalMailPreferences", { params: { clientId }, body: { messageEmails } }),
    onSuccess: (answer) => queryClient.setQueryData(query.queryKey, answer),
  });
  // While a change is saved the box shows what was asked for; a refusal puts it back.
  const checked = update.isPending ? update.variables : (preference.data?.messageEmails ?? false);

  return (
    <div className="flex flex-col gap-2">
      {preference.data && (
        <label className="flex items-start gap-2 text-sm font-medium">
          <input
            type="checkbox"
            className="mt-0.5 size-4"
            checked={checked}
            disabled={update.isPending}
            onChange={(event) => update.mutate(event.target.checked)}
          />
          <span>
            E-mail me about new messages from {firmName} ({clientName}) that I have not read here
          </span>
        </label>
      )}
      {preference.isError && <FormNotice tone="error">{preference.error.message}</FormNotice>}
      {update.isError && <FormNotice tone="error">{update.error.message}</FormNotice>}
    </div>
  );
}
