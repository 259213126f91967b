import { createBrowserRouter, Navigate } from "react-router";
import { AppShell } from "./staff/AppShell.js";
import { ClientListPage } from "./staff/ClientListPage.js";
import { ClientOverviewPage } from "./staff/ClientOverviewPage.js";
import { ClientRecordLayout } from "./staff/ClientRecordLayout.js";
import { ContactsPage } from "./staff/ContactsPage.js";
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
  {
    element: <AppShell />,
    children: [
      { path: "/", element: <Navigate to="/clients" replace /> },
      { path: "/clients", element: <ClientListPage /> },
      {
        path: "/clients/:clientId",
        element: <ClientRecordLayout />,
        children: [
          { index: true, element: <ClientOverviewPage /> },
          { path: "contacts", element: <ContactsPage /> },
        ],
      },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
]);
