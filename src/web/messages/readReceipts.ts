import { type QueryClient, useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import type { ReadReceipt } from "../../shared/api/messaging.js";
import { call } from "../api.js";
import { useMessagingSide } from "./messagingSide.js";

/** Under the messaging prefix, so a reconnect's refetch of everything brings these up to date. */
export const readReceiptKey = (conversationId: string) =>
  ["messaging", "receipts", conversationId] as const;

type ReceiptList = { receipts: ReadReceipt[] };
const noReceipts = new Map<string, ReadReceipt[]>();

/**
 * Staff only: who has read up to which staff message, by message id. The portal never asks (the
 * server would refuse), so contacts never learn anyone's read state.
 */
export function useReadReceipts(conversationId: string): Map<string, ReadReceipt[]> {
  const side = useMessagingSide();
  const query = useQuery({
    queryKey: readReceiptKey(conversationId),
    queryFn: () => call("listReadReceipts", { params: { conversationId } }),
    enabled: side === "staff",
  });
  return useMemo(() => {
    if (!query.data) return noReceipts;
    const byMessage = new Map<string, ReadReceipt[]>();
    for (const receipt of query.data.receipts) {
      byMessage.set(receipt.messageId, [...(byMessage.get(receipt.messageId) ?? []), receipt]);
    }
    return byMessage;
  }, [query.data]);
}

/** A contact read further: their receipt moves to where it now sits. */
export function applyReadReceipt(
  queryClient: QueryClient,
  conversationId: string,
  receipt: ReadReceipt,
) {
  const key = readReceiptKey(conversationId);
  if (!queryClient.getQueryData<ReceiptList>(key)) {
    void queryClient.invalidateQueries({ queryKey: key });
    return;
  }
  queryClient.setQueryData<ReceiptList>(key, (list) =>
    list
      ? {
          receipts: [
            ...list.receipts.filter((known) => known.contactId !== receipt.contactId),
            receipt,
          ].sort((a, b) => a.name.localeCompare(b.name)),
        }
      : list,
  );
}
