import type { TestReply } from '../api/types.ts';

export function TestResult({ result, testing }: { result?: TestReply | undefined; testing: boolean }) {
  if (testing) return <div className="test-result pending" data-testid="test-result">Testing…</div>;
  if (!result) return null;
  return result.ok ? (
    <div className="test-result ok" role="status" data-testid="test-result" data-ok="true">
      ✓ Connection OK
    </div>
  ) : (
    <div className="test-result error" role="alert" data-testid="test-result" data-ok="false">
      {result.hint && (
        <strong className="test-hint" data-testid="test-hint">
          {result.hint}
        </strong>
      )}
      <span className="test-error">✕ {result.error ?? 'the test failed'}</span>
    </div>
  );
}
