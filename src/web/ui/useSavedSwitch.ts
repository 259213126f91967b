import { useMutation } from "@tanstack/react-query";
import { useState } from "react";

/**
 * A switch saved as soon as it changes. It shows what was asked for from the click until the
 * answer (a mutation's own pending state arrives a moment later, and the box would flick back
 * meanwhile), is held while the change is saved, and goes back to what is saved on a refusal.
 */
export function useSavedSwitch<Answer>(options: {
  saved: boolean;
  save: (value: boolean) => Promise<Answer>;
  onSaved: (answer: Answer) => void;
}) {
  const [asked, setAsked] = useState<boolean | null>(null);
  const update = useMutation({
    mutationFn: options.save,
    onSuccess: options.onSaved,
    onSettled: () => setAsked(null),
  });
  return {
    checked: asked ?? options.saved,
    saving: asked !== null,
    error: update.error,
    change: (value: boolean) => {
      setAsked(value);
      update.mutate(value);
    },
  };
}
