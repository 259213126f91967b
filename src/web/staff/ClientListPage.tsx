import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Plus, Search } from "lucide-react";
import { type FormEvent, useDeferredValue, useState } from "react";
import { Link, useNavigate } from "react-router";
import { ApiRequestError, call } from "../api.js";
import { UnreadBadge } from "../messages/UnreadBadge.js";
import { Button } from "../ui/Button.js";
import { Dialog } from "../ui/Dialog.js";
import { Table } from "../ui/Table.js";
import { TextField } from "../ui/TextField.js";
import { usePageTitle } from "../ui/usePageTitle.js";
import { type ClientSort, clientKeys, useClientList } from "./clients.queries.js";

export function ClientListPage() {
  usePageTitle("Clients");
  const [search, setSearch] = useState("");
  const deferredSearch = useDeferredValue(search.trim());
  const [sort, setSort] = useState<ClientSort>("name");
  const clients = useClientList(deferredSearch, sort);
  const [adding, setAdding] = useState(false);

  return (
    <main className="mx-auto w-full max-w-4xl p-6">
      <div className="flex items-center justify-between gap-4">
        <h1 className="text-2xl font-semibold">Clients</h1>
        <Button onClick={() => setAdding(true)}>
          <Plus aria-hidden size={16} /> Add client
        </Button>
      </div>
      <div className="mt-6 flex flex-wrap items-center gap-x-6 gap-y-3">
        <div className="relative w-full max-w-sm">
          <Search aria-hidden size={16} className="absolute top-2.5 left-3 text-slate-500" />
          <label htmlFor="client-filter" className="sr-only">
            Filter by name
          </label>
          <input
            id="client-filter"
            type="search"
            placeholder="Filter by name"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
            className="w-full rounded-md border border-slate-400 py-2 pr-3 pl-9 text-sm"
          />
        </div>
        <div className="flex items-center gap-2">
          <label htmlFor="client-sort" className="text-sm text-slate-800">
            Sort by
          </label>
          <select
            id="client-sort"
            value={sort}
            onChange={(event) => setSort(event.target.value as ClientSort)}
            className="rounded-md border border-slate-400 px-3 py-2 text-sm"
          >
            <option value="name">Name</option>
            <option value="unread">Most unread</option>
          </select>
        </div>
      </div>
      {clients.isError ? (
        <p role="alert" className="mt-6 text-red-800">
          {clients.error.message}
        </p>
      ) : (
        <Table
          className="mt-6"
          columns={[
            { key: "name", label: "Name" },
            { key: "contacts", label: "Contacts" },
            { key: "unread", label: "Unread" },
          ]}
        >
          {clients.data?.clients.map((client) => (
            <tr key={client.id} className="border-t border-slate-200">
              <td className="px-4 py-2">
                <Link
                  to={`/clients/${client.id}`}
                  className="font-medium text-blue-800 hover:underline"
                >
                  {client.name}
                </Link>
              </td>
              <td className="px-4 py-2">{client.contactCount}</td>
              <td className="px-4 py-2">
                <UnreadBadge count={client.unreadCount} />
              </td>
            </tr>
          ))}
          {clients.data?.clients.length === 0 && (
            <tr>
              <td colSpan={3} className="px-4 py-6 text-center text-slate-600">
                {deferredSearch ? (
                  `No client matches “${deferredSearch}”.`
                ) : (
                  <div className="flex flex-col items-center gap-3">
                    <p>No clients yet. Add your first client to start talking with them.</p>
                    <Button onClick={() => setAdding(true)}>
                      <Plus aria-hidden size={16} /> Add client
                    </Button>
                  </div>
                )}
              </td>
            </tr>
          )}
        </Table>
      )}
      <AddClientDialog open={adding} onOpenChange={setAdding} />
    </main>
  );
}

function AddClientDialog({
  open,
  onOpenChange,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const create = useMutation({
    mutationFn: (name: string) => call("createClient", { body: { name } }),
    onSuccess: async (client) => {
      await queryClient.invalidateQueries({ queryKey: clientKeys.lists });
      onOpenChange(false);
      navigate(`/clients/${client.id}`);
    },
  });
  const fieldError = create.error instanceof ApiRequestError ? create.error.fields.name : undefined;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    create.mutate(String(new FormData(event.currentTarget).get("name") ?? ""));
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (!next) create.reset();
        onOpenChange(next);
      }}
      title="Add client"
    >
      <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
        <TextField label="Name" name="name" autoComplete="organization" error={fieldError} />
        {create.error && !fieldError && (
          <p role="alert" className="text-sm text-red-800">
            {create.error.message}
          </p>
        )}
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => onOpenChange(false)}>
            Cancel
          </Button>
          <Button type="submit" disabled={create.isPending}>
            Add client
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
