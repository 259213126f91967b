import { Link } from "react-router";
import type { InvitationDelivery } from "../../shared/api/outbox.js";
import { useStaffSession } from "./session.js";

/**
 * What became of an invitation: e-mailed, or (without an e-mail server) waiting on the Outbox,
 * with the way there for those who may open it.
 */
export function InvitationDeliveryNotice({
  delivery,
  to,
}: {
  delivery: InvitationDelivery;
  to: string;
}) {
  const mayOpenOutbox = useStaffSession().data?.can.readOutbox ?? false;
  if (delivery === "email") return <>Invitation e-mailed to {to}.</>;
  return (
    <>
      No e-mail server is set up, so the invitation to {to} was not e-mailed: it waits in the
      Outbox.{" "}
      {mayOpenOutbox ? (
        <>
          <Link to="/outbox" className="text-blue-800 underline">
            Open the Outbox
          </Link>{" "}
          to pass its link on.
        </>
      ) : (
        "Ask an owner or admin to pass its link on from there."
      )}
    </>
  );
}
