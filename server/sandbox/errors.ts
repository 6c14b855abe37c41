/** Errors of the script sandbox, with a code the trace can show and the user's line when known. */

export type ScriptErrorCode =
  | 'SCRIPT_ERROR' // the user's code threw or rejected
  | 'SCRIPT_TIMEOUT'
  | 'SCRIPT_MEMORY'
  | 'SCRIPT_COMPILE'
  | 'SCRIPT_DATA' // a value could not cross the boundary as JSON
  | 'SCRIPT_DISPOSED'
  | 'SCRIPT_RUNNER_LOST'; // the runner process holding the run stopped (crash, kill, hang)

export const SCRIPT_ERROR_CODES: readonly ScriptErrorCode[] = [
  'SCRIPT_ERROR', 'SCRIPT_TIMEOUT', 'SCRIPT_MEMORY', 'SCRIPT_COMPILE', 'SCRIPT_DATA', 'SCRIPT_DISPOSED', 'SCRIPT_RUNNER_LOST',
];

export interface SourceLocation { line: number; column: number }

export class ScriptError extends Error {
  constructor(
    message: string,
    readonly code: ScriptErrorCode,
    readonly location?: SourceLocation,
  ) {
    super(message);
    this.name = 'ScriptError';
  }
}

/** What the in-isolate runner reports about a thrown value (see bootstrap.ts). */
export interface ThrownInfo { name: string; message: string; stack: string }

/** `boom (line 3, column 9)`; the error name is kept when it says something (`TypeError: …`). */
export function userError(info: ThrownInfo, filename: string, lineCount: number): ScriptError {
  const location = locationInStack(info.stack, filename, lineCount);
  const text = info.name && info.name !== 'Error' ? `${info.name}: ${info.message}` : info.message;
  return new ScriptError(withLocation(text, location), 'SCRIPT_ERROR', location);
}

export function withLocation(text: string, location: SourceLocation | undefined): string {
  return location ? `${text} (line ${location.line}, column ${location.column})` : text;
}

/** The first stack frame in the user's script; lines are already relative to the user's code. */
export function locationInStack(stack: string, filename: string, lineCount: number): SourceLocation | undefined {
  const marker = `${filename}:`;
  for (const frame of stack.split('\n')) {
    const at = frame.indexOf(marker);
    if (at < 0) continue;
    const match = /^(\d+):(\d+)/.exec(frame.slice(at + marker.length));
    if (match) return clampLocation(Number(match[1]), Number(match[2]), lineCount);
  }
  return undefined;
}

/**
 * isolated-vm appends ` [filename:line:column]` to compile errors. An error on the wrapper's
 * closing line means the body left something open.
 */
export function splitCompileMessage(message: string, lineCount: number): { text: string; location?: SourceLocation } {
  const match = / \[[^\]]*:(\d+):(\d+)\]$/.exec(message);
  if (!match) return { text: message };
  const line = Number(match[1]);
  const text = line > lineCount
    ? 'Unexpected end of the script (a bracket, brace, string or comment is not closed)'
    : message.slice(0, match.index);
  return { text, location: clampLocation(line, Number(match[2]), lineCount) };
}

/** The wrapper adds a line before and after the body; errors there belong to the nearest user line. */
function clampLocation(line: number, column: number, lineCount: number): SourceLocation {
  if (line < 1) return { line: 1, column: 1 };
  if (line > lineCount) return { line: Math.max(1, lineCount), column: 1 };
  return { line, column: Math.max(1, column) };
}
