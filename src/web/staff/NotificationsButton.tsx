import { Bell, Lock } from "lucide-react";
import { Popover } from "radix-ui";
import { useState } from "react";
import { useNavigate } from "react-router";
import { formatRelativeTime } from "../messages/format.js";
import { useNow } from "../messages/useNow.js";
import {
  conversationHref,
  useMarkAllNotificationsRead,
  useMarkNotificationRead,
  useNotificationCount,
  useNotifications,
} from "./notifications.queries.js";

/** The header's Notifications button: its name carries the unread count; it opens the list. */
export function NotificationsButton() {
  const [open, setOpen] = useState(false);
  const count = useNotificationCount().data ?? 0;
  const list = useNotifications(open);
  const markRead = useMarkNotificationRead();
  const markAll = useMarkAllNotificationsRead();
  const navigate = useNavigate();
  const now = useNow();
  const notifications = list.data?.pages.flatMap((page) => page.notifications) ?? [];
  const label = count > 0 ? `Notifications, ${count} unread` : "Notifications";

  return (
    <Popover.Root open={open} onOpenChange={setOpen}>
      <Popover.Trigger
        aria-label={label}
        className="relative inline-flex size-9 items-center justify-center rounded-md text-slate-800 hover:bg-slate-100"
      >
        <Bell aria-hidden size={18} />
        {count > 0 && (
          <span
            aria-hidden
            className="absolute -top-1 -right-1 min-w-5 rounded-full bg-blue-700 px-1 text-center text-xs leading-5 font-semibold text-white"
          >
            {count > 99 ? "99+" : count}
          </span>
        )}
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          align="end"
          sideOffset={6}
          aria-label="Notifications"
          className="z-50 w-96 max-w-[calc(100vw-1rem)] rounded-lg border border-slate-200 bg-white p-2 shadow-lg"
        >
          <div className="flex items-center justify-between px-2 py-1">
            <h2 className="text-sm font-semibold">Notifications</h2>
            <button
              type="button"
              className="text-sm text-blue-800 hover:underline disabled:text-slate-500"
              disabled={count === 0 || markAll.isPending}
              onClick={() => markAll.mutate()}
            >
              Mark all as read
            </button>
          </div>
          {list.isSuccess && notifications.length === 0 && (
            <p className="px-2 py-3 text-sm text-slate-700">No notifications yet.</p>
          )}
          <ul className="flex max-h-96 flex-col overflow-y-auto">
            {notifications.map((notification) => (
              <li key={notification.id}>
                <button
                  type="button"
                  className={`flex w-full flex-col rounded-md px-2 py-2 text-left hover:bg-slate-100 ${
                    notification.read ? "" : "bg-blue-50"
                  }`}
                  onClick={() => {
                    if (!notification.read) markRead.mutate(notification.id);
                    setOpen(false);
                    void navigate(
                      conversationHref(
                        notification.clientId,
                        notification.conversationId,
                        notification.messageId,
                      ),
                    );
                  }}
                >
                  <span className="text-sm">
                    <span className={notification.read ? "" : "font-semibold"}>
                      {notification.authorName}
                    </span>{" "}
                    mentioned you in {notification.clientName} · {notification.conversationTitle}
                    {!notification.read && <span className="sr-only"> (unread)</span>}
                  </span>
                  <span className="flex items-center gap-1 text-sm text-slate-700">
                    {notification.internal && (
                      <>
                        <Lock aria-hidden size={12} className="shrink-0 text-amber-800" />
                        <span className="sr-only">Internal note:</span>
                      </>
                    )}
                    <span className="truncate">{notification.preview}</span>
                  </span>
                  <time dateTime={notification.createdAt} className="text-xs text-slate-700">
                    {formatRelativeTime(notification.createdAt, now)}
                  </time>
                </button>
              </li>
            ))}
          </ul>
          {list.hasNextPage && (
            <button
              type="button"
              className="w-full px-2 py-2 text-sm text-blue-800 hover:underline"
              onClick={() => void list.fetchNextPage()}
            >
              Show older
            </button>
          )}
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
