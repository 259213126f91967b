import { Link, Outlet } from "react-router";
import { Button } from "../ui/Button.js";
import { signOut, useStaffSession } from "./session.js";

/** The signed-in staff frame: a header with the firm and the user, and the page below. */
export function AppShell() {
  const session = useStaffSession();
  return (
    <div className="flex min-h-screen flex-col">
      <header className="flex items-center justify-between border-b border-slate-200 bg-white px-6 py-3">
        <div className="flex items-center gap-4">
          <Link to="/clients" className="font-semibold text-blue-800">
            Portico
          </Link>
          <span className="text-sm text-slate-700">{session.data?.firm.name}</span>
        </div>
        <div className="flex items-center gap-3">
          <span className="text-sm text-slate-700">{session.data?.name}</span>
          <Button variant="secondary" onClick={() => void signOut()}>
            Sign out
          </Button>
        </div>
      </header>
      <div className="flex flex-1 flex-col">
        <Outlet />
      </div>
    </div>
  );
}
