import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { ApiRequestError, call } from "../api.js";
import { FormNotice } from "../ui/AuthCard.js";
import { Button } from "../ui/Button.js";
import { TextField } from "../ui/TextField.js";

/** The firm's name, as its portal and e-mails show it (owners and admins). */
export function FirmSettingsForm({ firmName }: { firmName: string }) {
  const queryClient = useQueryClient();
  const rename = useMutation({
    mutationFn: (name: string) => call("updateFirm", { body: { name } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["session"] }),
  });
  const fieldError = rename.error instanceof ApiRequestError ? rename.error.fields.name : undefined;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    rename.mutate(String(new FormData(event.currentTarget).get("name") ?? ""));
  };
  return (
    <section
      aria-labelledby="firm-settings"
      className="rounded-lg border border-slate-200 bg-white p-4"
    >
      <h2 id="firm-settings" className="text-lg font-semibold">
        Firm settings
      </h2>
      <form onSubmit={submit} className="mt-3 flex flex-wrap items-end gap-3" noValidate>
        <div className="min-w-0 flex-1 basis-56">
          <TextField
            label="Firm name"
            name="name"
            defaultValue={firmName}
            key={firmName}
            hint="Shown to your clients in the portal and in e-mails."
            error={fieldError}
            autoComplete="organization"
          />
        </div>
        <Button type="submit" disabled={rename.isPending} className="mb-6 py-2">
          Save
        </Button>
      </form>
      {rename.isSuccess && <FormNotice tone="success">The firm's name is saved.</FormNotice>}
      {rename.error && !fieldError && <FormNotice tone="error">{rename.error.message}</FormNotice>}
    </section>
  );
}
