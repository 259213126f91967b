import type { FastifyInstance } from "fastify";
import { requireStaff, staffOf } from "../auth/principal.js";
import { startSessionWithPassword } from "../auth/sign-in-session.js";
import { deliveryOf } from "../clients/portal-access.service.js";
import { addEndpointRoute } from "../http/endpoint-route.js";
import {
  acceptStaffInvitation,
  describeStaffInvitation,
  inviteStaff,
  resendStaffInvitation,
  revokeStaffInvitation,
} from "./staff-invitations.service.js";
import {
  changeStaffRole,
  deactivateStaff,
  listTeam,
  publishTeamChanged,
  reactivateStaff,
  renameFirm,
} from "./team.service.js";

export async function teamRoutes(app: FastifyInstance) {
  const { db, bus, config } = app.deps;
  const mail = { publicUrl: config.publicUrl, smtpConfigured: config.smtpUrl !== undefined };
  /** Accepting is limited per client address, before any work. */
  const acceptLimit = { rateLimit: { max: 10, timeWindow: 60_000 } };

  addEndpointRoute(app, "listStaff", {
    onRequest: requireStaff,
    handler: async (request) => listTeam(db, staffOf(request)),
  });

  addEndpointRoute(app, "inviteStaff", {
    onRequest: requireStaff,
    handler: async (request, reply) => {
      const invitation = await inviteStaff(db, {
        principal: staffOf(request),
        mail,
        invitee: request.body,
      });
      return reply.status(201).send({ ...invitation, delivery: deliveryOf(mail) });
    },
  });

  addEndpointRoute(app, "resendStaffInvitation", {
    onRequest: requireStaff,
    handler: async (request) => {
      const invitation = await resendStaffInvitation(db, {
        principal: staffOf(request),
        mail,
        invitationId: request.params.invitationId,
      });
      return { ...invitation, delivery: deliveryOf(mail) };
    },
  });

  addEndpointRoute(app, "revokeStaffInvitation", {
    onRequest: requireStaff,
    handler: async (request, reply) => {
      await revokeStaffInvitation(db, {
        principal: staffOf(request),
        invitationId: request.params.invitationId,
      });
      return reply.status(204).send(null);
    },
  });

  addEndpointRoute(app, "changeStaffRole", {
    onRequest: requireStaff,
    handler: async (request) =>
      changeStaffRole(db, bus, {
        principal: staffOf(request),
        staffId: request.params.staffId,
        role: request.body.role,
      }),
  });

  addEndpointRoute(app, "deactivateStaff", {
    onRequest: requireStaff,
    handler: async (request) =>
      deactivateStaff(db, bus, { principal: staffOf(request), staffId: request.params.staffId }),
  });

  addEndpointRoute(app, "reactivateStaff", {
    onRequest: requireStaff,
    handler: async (request) =>
      reactivateStaff(db, bus, { principal: staffOf(request), staffId: request.params.staffId }),
  });

  addEndpointRoute(app, "updateFirm", {
    onRequest: requireStaff,
    handler: async (request) =>
      renameFirm(db, bus, { principal: staffOf(request), name: request.body.name }),
  });

  addEndpointRoute(app, "getStaffInvitation", {
    handler: async (request) => describeStaffInvitation(db, request.params.token),
  });

  addEndpointRoute(app, "acceptStaffInvitation", {
    config: acceptLimit,
    handler: async (request, reply) => {
      const { email, firmId } = await acceptStaffInvitation(
        db,
        request.params.token,
        request.body.password,
      );
      await publishTeamChanged(bus, firmId);
      await startSessionWithPassword(request, reply, { email, password: request.body.password });
      return { signedIn: true as const };
    },
  });
}
