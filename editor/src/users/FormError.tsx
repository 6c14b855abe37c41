import { ApiError, errorText } from '../api/http.ts';

/**
 * The server's message for a form, next to the form: its `error` text with the `code` kept in
 * a data attribute (tests and translations key on it).
 */
export function FormError({ error, testId }: { error: unknown; testId: string }) {
  if (error === undefined) return null;
  const code = error instanceof ApiError ? error.code : undefined;
  return (
    <div className="banner error small" role="alert" data-testid={testId} data-code={code}>
      {errorText(error)}
    </div>
  );
}

/** the message the server gave for one field (`details[].path`), if any */
export function fieldProblem(error: unknown, path: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  return error.details.find((d) => d.path === path)?.message;
}
