/** Shown where a viewer would otherwise find the controls they may not use. */
export function ReadOnlyBadge() {
  return (
    <span className="badge read-only" data-testid="read-only" title="Your role is viewer: you can look at flows, runs and connections, not change, start or trigger them">
      read-only
    </span>
  );
}
