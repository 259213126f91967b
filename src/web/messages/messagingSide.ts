import { createContext, useContext } from "react";

/**
 * Which side the shared thread and composer are shown on: staff call the staff endpoints, portal
 * contacts the portal's endpoints of the same shapes.
 */
export type MessagingSide = "staff" | "portal";

const MessagingSideContext = createContext<MessagingSide>("staff");

export const MessagingSideProvider = MessagingSideContext.Provider;
export const useMessagingSide = () => useContext(MessagingSideContext);
