/**
 * The script node: compiles its code once into the flow's sandbox (one isolate per flow,
 * shared by every script node of the flow) and runs it per message.
 */
import type { Message } from '../../core/flow-types.ts';
import { NodeError, type NodeContext, type NodeRuntime } from '../../server/engine/node-api.ts';
import { createSandbox, DEFAULT_MEMORY_MB, ScriptError, type Sandbox, type SandboxLimits } from '../../server/sandbox/index.ts';
import { routeResult } from './route-result.ts';
import { scriptDatabases } from './databases.ts';
import { SCRIPT_DEFAULT_TIMEOUT_MS, scriptPorts, type ScriptParams } from './spec.ts';
import { errorMessage } from '../../core/guards.ts';

const SANDBOX_KEY = 'sandbox';

export const scriptRuntime: NodeRuntime<ScriptParams> = {
  type: 'script',
  async create(ctx) {
    const code = ctx.params.code;
    const sandbox = await ctx.shared<Sandbox>(
      SANDBOX_KEY,
      () => createSandbox({ memoryMb: memoryLimitOf(ctx), log: ctx.log, limits: sizeLimitsOf(ctx) }),
      (s) => s.dispose(),
    );
    let script;
    try {
      script = sandbox.compile(code, { name: ctx.node.id });
    } catch (err) {
      throw asNodeError(err, false);
    }
    const ports = scriptPorts(ctx.params);
    // the connections are opened with the flow, so a missing one stops the start, not a run
    const databases = await scriptDatabases(ctx.connections, ctx.params.connections ?? []);
    return {
      async onMessage(msg, io) {
        let result: unknown;
        try {
          result = await script.run(msg, {
            timeoutMs: timeoutOf(io.params['timeoutMs']),
            state: io.state,
            flow: io.flowMemory,
            ...(databases ? { db: databases } : {}),
            log: io.log,
            trace: io,
            signal: () => io.signal,
          });
        } catch (err) {
          throw asNodeError(err, true);
        }
        // the common case, one message on one port, without building a routing list
        if (ports.length === 1 && typeof result === 'object' && result !== null && !Array.isArray(result)) {
          io.send(result as Message, 'out');
          return;
        }
        for (const { port, msg: out } of routeResult(result, ports)) io.send(out, port);
      },
      async stop() {
        script.release();
        await databases?.release();
      },
    };
  },
};

function timeoutOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.min(value, 60_000) : SCRIPT_DEFAULT_TIMEOUT_MS;
}

/** The flow's `settings.scriptMemoryMb`, when the context carries the flow settings. */
function memoryLimitOf(ctx: NodeContext): number {
  const settings = ctx.flowSettings;
  const mb = settings?.scriptMemoryMb;
  return typeof mb === 'number' && Number.isFinite(mb) && mb >= 8 ? mb : DEFAULT_MEMORY_MB;
}

/** the flow's `settings.scriptMessageMb` / `scriptFlowMemoryMb` / `scriptStateKb` (the sandbox's defaults otherwise) */
function sizeLimitsOf(ctx: NodeContext): Partial<SandboxLimits> {
  const settings = ctx.flowSettings ?? {};
  const MB = 1024 * 1024;
  const limits: Partial<SandboxLimits> = {};
  if (isPositive(settings.scriptMessageMb)) limits.messageBytes = settings.scriptMessageMb * MB;
  if (isPositive(settings.scriptFlowMemoryMb)) limits.flowBytes = settings.scriptFlowMemoryMb * MB;
  if (isPositive(settings.scriptStateKb)) limits.stateBytes = settings.scriptStateKb * 1024;
  return limits;
}

function isPositive(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1;
}

function asNodeError(err: unknown, retryable: boolean): NodeError {
  if (err instanceof NodeError) return err;
  if (err instanceof ScriptError) return new NodeError(err.message, err.code, retryable && err.code !== 'SCRIPT_COMPILE');
  return new NodeError(errorMessage(err), 'SCRIPT_ERROR', retryable);
}

export default scriptRuntime;
