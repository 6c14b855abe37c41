import { useFlow } from '../stores/flow-store.ts';

/**
 * Which version is saved and which one runs: `v3`, `v3 · running`, or `v3 saved · v2 running`
 * while a saved version is being put into effect or was refused (then why, beside it).
 */
export function VersionChip() {
  const { version, state, runningVersion, replacement } = useFlow();
  if (!version) return <span className="version" data-testid="flow-version">not saved</span>;
  const running = state === 'running' && runningVersion !== undefined;
  if (!running) return <span className="version" data-testid="flow-version">v{version}</span>;
  if (runningVersion === version) {
    return (
      <span className="version running" data-testid="flow-version" title={`version ${version} is running`}>
        v{version} · running
      </span>
    );
  }
  const why = replacement?.version === version ? replacement.error : undefined;
  return (
    <>
      <span className="version behind" data-testid="flow-version" title={why ? `version ${version} could not start; version ${runningVersion} keeps running` : `version ${version} is being put into effect`}>
        v{version} saved · v{runningVersion} running
      </span>
      {why && (
        <span className="state-reason" title={why} data-testid="replace-error">
          v{version} not started: {why}
        </span>
      )}
    </>
  );
}
