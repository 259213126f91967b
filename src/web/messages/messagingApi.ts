import { createContext, useContext } from "react";

/**
 * Where the messaging endpoints live: staff use `/api/...`, portal contacts the same shapes
 * under `/api/portal/...`, so the shared thread and composer work for both.
 */
const MessagingApiBase = createContext("/api");

export const MessagingApiProvider = MessagingApiBase.Provider;
export const useMessagingApiBase = () => useContext(MessagingApiBase);
