/**
 * The only place editor tests reach into the server and the node specs (paths change when
 * those move): a real Tributary server for store tests, and the node types exactly as
 * GET /api/node-types describes them, built from the real specs without a server.
 */
import type { NodeTypeInfo } from '../api/types.ts';
import { nodeDefinitions } from '../../../catalogue/index.ts';
import { nodeTypeView } from '../../../server/http/routes/node-types.ts';
import type * as TestServerModule from '../../../server/server.test-support.ts';

export { allSpecs, specsByType } from '../../../catalogue/index.ts';

/** every node type as the editor receives it from GET /api/node-types */
export const nodeTypeInfos: readonly NodeTypeInfo[] = nodeDefinitions.map((d) => nodeTypeView(d) as unknown as NodeTypeInfo);

export function nodeTypeInfo(type: string): NodeTypeInfo {
  const info = nodeTypeInfos.find((t) => t.type === type);
  if (!info) throw new Error(`no node type "${type}"`);
  return info;
}

export type TestServer = TestServerModule.TestServer & { adminPassword: string };

// loaded only by the tests that start a server: the rest stay quick to load
const serverModule = (): Promise<typeof TestServerModule> => import('../../../server/server.test-support.ts');

/** a real server on a random port with a temp data dir and a logged-in `admin` */
export async function startTestServer(options?: TestServerModule.TestServerOptions): Promise<TestServer> {
  const m = await serverModule();
  return Object.assign(await m.startTestServer(options), { adminPassword: m.TEST_ADMIN_PASSWORD });
}

/** polls `get` until `done(value)` or the timeout */
export async function waitFor<T>(get: () => Promise<T>, done: (v: T) => boolean, timeoutMs?: number, what?: string): Promise<T> {
  return (await serverModule()).waitFor(get, done, timeoutMs, what);
}
