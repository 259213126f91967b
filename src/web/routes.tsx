import { createBrowserRouter, Navigate } from "react-router";
import { AcceptInvitationPage } from "./portal/AcceptInvitationPage.js";
import { ForgotPasswordPage } from "./portal/ForgotPasswordPage.js";
import { PortalMessagesPage } from "./portal/PortalMessagesPage.js";
import { PortalShell } from "./portal/PortalShell.js";
import { PortalSignInPage } from "./portal/PortalSignInPage.js";
import { ResetPasswordPage } from "./portal/ResetPasswordPage.js";
import { AppShell } from "./staff/AppShell.js";
import { ClientListPage } from "./staff/ClientListPage.js";
import { ClientOverviewPage } from "./staff/ClientOverviewPage.js";
import { ClientRecordLayout } from "./staff/ClientRecordLayout.js";
import { ContactsPage } from "./staff/ContactsPage.js";
import { MessagesPage } from "./staff/messages/MessagesPage.js";
import { OutboxPage } from "./staff/OutboxPage.js";
import { SignInPage } from "./staff/SignInPage.js";

function NotFoundPage() {
  return (
    <main className="p-6">
      <h1 className="text-xl font-semibold">Page not found</h1>
    </main>
  );
}

export const router = createBrowserRouter([
  { path: "/sign-in", element: <SignInPage /> },
  { path: "/portal/sign-in", element: <PortalSignInPage /> },
  { path: "/portal/forgot-password", element: <ForgotPasswordPage /> },
  { path: "/portal/reset-password", element: <ResetPasswordPage /> },
  { path: "/portal/invitation/:token", element: <AcceptInvitationPage /> },
  {
    path: "/portal",
    element: <PortalShell />,
    children: [{ path: "clients/:clientId/:conversationId?", element: <PortalMessagesPage /> }],
  },
  {
    element: <AppShell />,
    children: [
      { path: "/", element: <Navigate to="/clients" replace /> },
      { path: "/clients", element: <ClientListPage /> },
      { path: "/outbox", element: <OutboxPage /> },
      {
        path: "/clients/:clientId",
        element: <ClientRecordLayout />,
        children: [
          { index: true, element: <ClientOverviewPage /> },
          { path: "contacts", element: <ContactsPage /> },
          { path: "messages/:conversationId?", element: <MessagesPage /> },
        ],
      },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
]);
