/**
 * Script sandbox: user JavaScript in isolated-vm isolates with time, memory and size limits,
 * hosted by a small pool of runner processes (never in the server's own process).
 */
export { createSandbox, DEFAULT_MEMORY_MB } from './sandbox.ts';
export { checkScriptSyntax } from './syntax.ts';
export { ScriptError, type ScriptErrorCode, type SourceLocation } from './errors.ts';
export { DEFAULT_TIMEOUT_MS } from './run-slot.ts';
export { DEFAULT_LIMITS, LOG_LIMITS } from './limits.ts';
export { configureScriptRunners, scriptRunners, stopIdleScriptRunners, DEFAULT_RUNNERS, type RunnerInfo } from './pool.ts';
export type { CompiledScript, RunOptions, Sandbox, SandboxLimits, SandboxOptions, ScriptDatabases } from './types.ts';
