import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { call } from "../api.js";
import { FormNotice } from "../ui/AuthCard.js";
import { AccountSection } from "./AccountSection.js";

const firmSecurityQuery = { queryKey: ["firm-security"], queryFn: () => call("getFirmSecurity") };

/** A firm owner's switch: every staff member must sign in with two-factor. */
export function RequireTwoFactorSetting() {
  const queryClient = useQueryClient();
  const security = useQuery(firmSecurityQuery);
  const update = useMutation({
    mutationFn: (requireTwoFactor: boolean) =>
      call("updateFirmSecurity", { body: { requireTwoFactor } }),
    onSuccess: (answer) => queryClient.setQueryData(firmSecurityQuery.queryKey, answer),
  });
  // While a change is saved the box shows what was asked for; a refusal puts it back.
  const required = update.isPending ? update.variables : (security.data?.requireTwoFactor ?? false);

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
            checked={required}
            disabled={update.isPending}
            onChange={(event) => update.mutate(event.target.checked)}
          />
          Require two-factor for all staff
        </label>
      )}
      {security.isError && <FormNotice tone="error">{security.error.message}</FormNotice>}
      {update.isError && (
        <div className="mt-3">
          <FormNotice tone="error">{update.error.message}</FormNotice>
        </div>
      )}
    </AccountSection>
  );
}
