/** The editor's frame and editable area, shared with the composer's stand-in so both look alike. */
export const editorFrameClass = "rounded-md border focus-within:ring-2 focus-within:ring-blue-700";
export const editableAreaClass = "rich-text min-h-16 max-h-60 overflow-y-auto px-3 py-2 text-sm";
