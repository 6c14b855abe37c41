/** Test helpers for the http nodes: real HTTP servers on 127.0.0.1 and small flow documents. */
import type { AddressInfo } from 'node:net';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { FlowDocument, FlowNode } from '../../core/flow-types.ts';
import type { HookTable } from '../../server/engine/hook-table.ts';
import { hooksListener, isHookUrl } from '../../server/http/hooks.ts';
import { createLogger } from '../../server/log.ts';

export interface TestServer { url: string; server: Server; close(): Promise<void> }

/** listens on 127.0.0.1 at a free port */
export async function listen(handler: RequestListener): Promise<TestServer> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** a server answering the engine's hook table under /hooks, as the product does */
export function hooksServer(hooks: HookTable): Promise<TestServer> {
  const serve = hooksListener(hooks, createLogger({ level: 'error' }));
  return listen((req, res) => {
    if (isHookUrl(req.url)) serve(req, res);
    else res.writeHead(404).end();
  });
}

/** a port nothing listens on (bound, then closed) */
export async function closedPort(): Promise<number> {
  const s = await listen(() => undefined);
  const port = Number(new URL(s.url).port);
  await s.close();
  return port;
}

export function flow(nodes: Partial<FlowNode>[], edges: [string, string, string?][]): FlowDocument {
  return {
    name: 't',
    nodes: nodes.map((n) => ({ params: {}, ...n }) as FlowNode),
    edges: edges.map(([source, target, sourcePort]) => ({ source, target, ...(sourcePort ? { sourcePort } : {}) })),
  };
}
