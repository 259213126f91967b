import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { RadioGroup } from "radix-ui";
import type { MessageAlerts } from "../../shared/api/notifications.js";
import { call } from "../api.js";
import { AccountSection } from "./AccountSection.js";

const choices: { value: MessageAlerts["alerts"]; label: string }[] = [
  { value: "mentions_and_client_messages", label: "Mentions and client messages" },
  { value: "mentions", label: "Mentions only" },
  { value: "none", label: "Nothing" },
];

const alertsKey = ["account", "message-alerts"] as const;

/** The staff member's choice of e-mail alerts, for the Account page. */
export function MessageAlertsSetting() {
  const queryClient = useQueryClient();
  const current = useQuery({
    queryKey: alertsKey,
    queryFn: async () => (await call("getMessageAlerts")).alerts,
  });
  const update = useMutation({
    mutationFn: (alerts: MessageAlerts["alerts"]) =>
      call("updateMessageAlerts", { body: { alerts } }),
    onSuccess: (answer) => queryClient.setQueryData(alertsKey, answer.alerts),
  });
  return (
    <AccountSection
      title="E-mail alerts"
      description="E-mail me about what I have not read in Portico within a few minutes:"
    >
      {current.data && (
        <RadioGroup.Root
          aria-label="E-mail me about"
          value={current.data}
          onValueChange={(value) => update.mutate(value as MessageAlerts["alerts"])}
          className="flex flex-col gap-2"
        >
          {choices.map((choice) => (
            <div key={choice.value} className="flex items-center gap-2 text-sm">
              <RadioGroup.Item
                id={`message-alerts-${choice.value}`}
                value={choice.value}
                className="flex size-4 items-center justify-center rounded-full border border-slate-500"
              >
                <RadioGroup.Indicator className="size-2 rounded-full bg-blue-700" />
              </RadioGroup.Item>
              <label htmlFor={`message-alerts-${choice.value}`}>{choice.label}</label>
            </div>
          ))}
        </RadioGroup.Root>
      )}
      {update.isError && (
        <p role="alert" className="text-sm text-red-800">
          {update.error.message}
        </p>
      )}
    </AccountSection>
  );
}
