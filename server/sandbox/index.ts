/** Script sandbox: user JavaScript in an isolated-vm isolate with time and memory limits. */
export { createSandbox, DEFAULT_MEMORY_MB } from './sandbox.ts';
export { checkScriptSyntax } from './syntax.ts';
export { ScriptError, type ScriptErrorCode, type SourceLocation } from './errors.ts';
export { DEFAULT_TIMEOUT_MS } from './run-slot.ts';
export type { CompiledScript, RunOptions, Sandbox, SandboxOptions } from './types.ts';
