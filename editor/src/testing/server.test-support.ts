/**
 * The only place editor tests reach into the server and the node types (paths change when
 * those move): a real Tributary server for store tests, and the node types exactly as
 * GET /api/node-types describes them, built from the real specs without a server.
 */
import type { NodeTypeInfo } from '../api/types.ts';
import { allSpecs } from '../../../nodes/specs.ts';
import { nodeTypeView } from '../../../server/http/routes/node-types.ts';

export { startTestServer, waitFor, TEST_ADMIN_PASSWORD, type TestServer } from '../../../server/test-server.ts';
export { allSpecs, specsByType } from '../../../nodes/specs.ts';

/** every node type as the editor receives it from GET /api/node-types */
export const nodeTypeInfos: readonly NodeTypeInfo[] = allSpecs.map((s) => nodeTypeView(s) as unknown as NodeTypeInfo);

export function nodeTypeInfo(type: string): NodeTypeInfo {
  const info = nodeTypeInfos.find((t) => t.type === type);
  if (!info) throw new Error(`no node type "${type}"`);
  return info;
}
