import { useQuery, useQueryClient } from "@tanstack/react-query";
import { call } from "../api.js";
import { FormNotice } from "../ui/AuthCard.js";
import { useSavedSwitch } from "../ui/useSavedSwitch.js";

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
  const setting = useSavedSwitch({
    saved: preference.data?.messageEmails ?? false,
    save: (messageEmails) =>
      call("updatePortalMailPreferences", { params: { clientId }, body: { messageEmails } }),
    onSaved: (answer) => queryClient.setQueryData(query.queryKey, answer),
  });

  return (
    <div className="flex flex-col gap-2">
      {preference.data && (
        <label className="flex items-start gap-2 text-sm font-medium">
          <input
            type="checkbox"
            className="mt-0.5 size-4"
            checked={setting.checked}
            disabled={setting.saving}
            onChange={(event) => setting.change(event.target.checked)}
          />
          <span>
            E-mail me about new messages from {firmName} ({clientName}) that I have not read here
          </span>
        </label>
      )}
      {preference.isError && <FormNotice tone="error">{preference.error.message}</FormNotice>}
      {setting.error && <FormNotice tone="error">{setting.error.message}</FormNotice>}
    </div>
  );
}
