import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ApiRequestError, call } from "../api.js";
import { FormNotice } from "../ui/AuthCard.js";
import { Button } from "../ui/Button.js";
import { TextField } from "../ui/TextField.js";

/** A staff member's name, as teammates and clients see it on messages. */
export function NameForm({ name }: { name: string }) {
  const queryClient = useQueryClient();
  const [fieldError, setFieldError] = useState<string>();
  const rename = useMutation({
    mutationFn: (newName: string) => call("updateAccountName", { body: { name: newName } }),
    onSuccess: () => {
      setFieldError(undefined);
      void queryClient.invalidateQueries({ queryKey: ["account"] });
      void queryClient.invalidateQueries({ queryKey: ["session"] });
    },
    onError: (error) => {
      if (error instanceof ApiRequestError && error.fields.name) setFieldError(error.fields.name);
    },
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    rename.mutate(String(new FormData(event.currentTarget).get("name") ?? ""));
  }

  return (
    <form className="flex max-w-sm flex-col gap-4" onSubmit={submit} noValidate>
      <TextField
        label="Name"
        name="name"
        defaultValue={name}
        autoComplete="name"
        error={fieldError}
      />
      {rename.isSuccess && <FormNotice tone="success">Your name is saved.</FormNotice>}
      {rename.isError && !fieldError && (
        <FormNotice tone="error">{rename.error.message}</FormNotice>
      )}
      <div>
        <Button type="submit" disabled={rename.isPending}>
          Save name
        </Button>
      </div>
    </form>
  );
}
