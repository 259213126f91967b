import { useQuery, useQueryClient } from "@tanstack/react-query";
import { call } from "../api.js";
import { FormNotice } from "../ui/AuthCard.js";
import { useSavedSwitch } from "../ui/useSavedSwitch.js";
import { AccountSection } from "./AccountSection.js";

const firmSecurityQuery = { queryKey: ["firm-security"], queryFn: () => call("getFirmSecurity") };

/** A firm owner's switch: every staff member must sign in with two-factor. */
export function RequireTwoFactorSetting() {
  const queryClient = useQueryClient();
  const security = useQuery(firmSecurityQuery);
  const setting = useSavedSwitch({
    saved: security.data?.requireTwoFactor ?? false,
    save: (requireTwoFactor) => call("updateFirmSecurity", { body: { requireTwoFactor } }),
    onSaved: (answer) => queryClient.setQueryData(firmSecurityQuery.queryKey, answer),
  });

  return (
    <AccountSection
      title="Firm security"
      description="When required, staff without two-factor are signed out, and set it up before anything else at their next sign-in. Set up your own first."
    >
      {security.data && (
        <label className="flex items-center gap-2 text-sm font-medium">
          <input
            type="checkbox"
            className="size-4"
            checked={setting.checked}
            disabled={setting.saving}
            onChange={(event) => setting.change(event.target.checked)}
          />
          Require two-factor for all staff
        </label>
      )}
      {security.isError && <FormNotice tone="error">{security.error.message}</FormNotice>}
      {setting.error && (
        <div className="mt-3">
          <FormNotice tone="error">{setting.error.message}</FormNotice>
        </div>
      )}
    </AccountSection>
  );
}
