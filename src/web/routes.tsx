import type { ComponentType } from "react";
import { createBrowserRouter, Navigate, type RouteObject } from "react-router";
import { SignInPage } from "./staff/SignInPage.js";

function NotFoundPage() {
  return (
    <main className="p-6">
      <h1 className="text-xl font-semibold">Page not found</h1>
    </main>
  );
}

/**
 * Loads a screen's code when its route is first visited, so contacts never download staff
 * screens (and the other way round), and neither downloads the editor before it is needed.
 */
function screen<Module>(load: () => Promise<Module>, pick: (module: Module) => ComponentType) {
  return { lazy: async () => ({ Component: pick(await load()) }) };
}

/** What the first page load shows while its screen's code arrives: nothing, for that moment. */
function FirstScreenLoading() {
  return null;
}

const screens: RouteObject[] = [
  { path: "/sign-in", element: <SignInPage /> },
  {
    path: "/forgot-password",
    ...screen(
      () => import("./account/ForgotPasswordPage.js"),
      (m) => m.StaffForgotPasswordPage,
    ),
  },
  {
    path: "/reset-password",
    ...screen(
      () => import("./account/ResetPasswordPage.js"),
      (m) => m.StaffResetPasswordPage,
    ),
  },
  {
    path: "/two-factor-setup",
    ...screen(
      () => import("./account/TwoFactorSetupPage.js"),
      (m) => m.TwoFactorSetupPage,
    ),
  },
  {
    path: "/portal/sign-in",
    ...screen(
      () => import("./portal/PortalSignInPage.js"),
      (m) => m.PortalSignInPage,
    ),
  },
  {
    path: "/portal/forgot-password",
    ...screen(
      () => import("./account/ForgotPasswordPage.js"),
      (m) => m.ForgotPasswordPage,
    ),
  },
  {
    path: "/portal/reset-password",
    ...screen(
      () => import("./account/ResetPasswordPage.js"),
      (m) => m.ResetPasswordPage,
    ),
  },
  {
    path: "/portal/invitation/:token",
    ...screen(
      () => import("./portal/AcceptInvitationPage.js"),
      (m) => m.AcceptInvitationPage,
    ),
  },
  {
    path: "/setup",
    ...screen(
      () => import("./team/SetupPage.js"),
      (m) => m.SetupPage,
    ),
  },
  {
    path: "/team/invitation/:token",
    ...screen(
      () => import("./team/StaffInvitationPage.js"),
      (m) => m.StaffInvitationPage,
    ),
  },
  {
    path: "/unsubscribe/:token",
    ...screen(
      () => import("./portal/UnsubscribePage.js"),
      (m) => m.UnsubscribePage,
    ),
  },
  {
    path: "/portal",
    ...screen(
      () => import("./portal/PortalShell.js"),
      (m) => m.PortalShell,
    ),
    children: [
      {
        path: "account",
        ...screen(
          () => import("./portal/PortalAccountPage.js"),
          (m) => m.PortalAccountPage,
        ),
      },
      {
        path: "clients/:clientId/files",
        ...screen(
          () => import("./portal/PortalFilesPage.js"),
          (m) => m.PortalFilesPage,
        ),
      },
      {
        path: "clients/:clientId/:conversationId?",
        ...screen(
          () => import("./portal/PortalMessagesPage.js"),
          (m) => m.PortalMessagesPage,
        ),
      },
    ],
  },
  {
    ...screen(
      () => import("./staff/AppShell.js"),
      (m) => m.AppShell,
    ),
    children: [
      { path: "/", element: <Navigate to="/clients" replace /> },
      {
        path: "/clients",
        ...screen(
          () => import("./staff/ClientListPage.js"),
          (m) => m.ClientListPage,
        ),
      },
      {
        path: "/account",
        ...screen(
          () => import("./staff/AccountPage.js"),
          (m) => m.AccountPage,
        ),
      },
      {
        path: "/team",
        ...screen(
          () => import("./team/TeamPage.js"),
          (m) => m.TeamPage,
        ),
      },
      {
        path: "/inbox",
        ...screen(
          () => import("./staff/InboxPage.js"),
          (m) => m.InboxPage,
        ),
      },
      {
        path: "/outbox",
        ...screen(
          () => import("./staff/OutboxPage.js"),
          (m) => m.OutboxPage,
        ),
      },
      {
        path: "/clients/:clientId",
        ...screen(
          () => import("./staff/ClientRecordLayout.js"),
          (m) => m.ClientRecordLayout,
        ),
        children: [
          {
            index: true,
            ...screen(
              () => import("./staff/ClientOverviewPage.js"),
              (m) => m.ClientOverviewPage,
            ),
          },
          {
            path: "contacts",
            ...screen(
              () => import("./staff/ContactsPage.js"),
              (m) => m.ContactsPage,
            ),
          },
          {
            path: "files",
            ...screen(
              () => import("./staff/files/FilesPage.js"),
              (m) => m.FilesPage,
            ),
          },
          {
            path: "messages/:conversationId?",
            ...screen(
              () => import("./staff/messages/MessagesPage.js"),
              (m) => m.MessagesPage,
            ),
          },
        ],
      },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
];

// One root route holds the fallback, so every first load has one (React Router warns otherwise).
export const router = createBrowserRouter([
  { HydrateFallback: FirstScreenLoading, children: screens },
]);
