/** The look of a message's actions button, the menu's own and its stand-in alike. */
export const actionsTriggerClass =
  "absolute top-1 right-2 inline-flex size-8 items-center justify-center rounded-md border border-slate-300 bg-white text-slate-800 opacity-0 group-focus-within:opacity-100 group-hover:opacity-100 hover:bg-slate-100 focus:opacity-100 data-[state=open]:opacity-100 pointer-coarse:opacity-100";
