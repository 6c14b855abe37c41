/**
 * Which way imports may go (README, "Layout"). `npm run deps` checks the tree; `npm test` runs it
 * first and stops on a breach. Type-only imports count too.
 */
const TESTS = '\\.test\\.ts$|\\.test-support\\.ts$|^e2e/|^bench/';
/** the files a node type or connector declares itself in (pure: the editor bundles them) */
const PURE = '(spec|spec-base|spec-parts|profile|profile-parts|connector)';
/** client libraries and server packages: never in a pure module, never in the editor's bundle */
const SERVER_PACKAGES = 'node_modules/(mysql2|pg|pg-cursor|kafkajs|mqtt|oracledb|isolated-vm|better-sqlite3|express|socket\\.io|croner|cookie)/';

module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment: 'core/ is shared by server and editor: it imports nothing of ours outside core, no Node built-in and no package with I/O',
      severity: 'error',
      from: { path: '^core/', pathNot: TESTS },
      to: {
        pathNot: '^core/|node_modules/(ajv|@sinclair/typebox|re2js|fast-deep-equal|fast-uri|json-schema-traverse|require-from-string)/',
      },
    },
    {
      name: 'specs-are-pure',
      comment: 'a node spec, a connection profile and what they share import only core/ and their own pure siblings (the editor bundles them)',
      severity: 'error',
      from: { path: [`^(nodes|connectors)/[^.]*/${PURE}\\.ts$`, `^connectors/${PURE}\\.ts$`] },
      to: {
        pathNot: [
          '^core/', 'node_modules/@sinclair/typebox/', `^connectors/${PURE}\\.ts$`,
          `^(nodes|connectors)/[^.]*/(${PURE}|topic|lexicons|named-binds|params|identifiers)\\.ts$`,
        ],
      },
    },
    {
      name: 'editor-bundles-no-server-code',
      comment: 'nothing the editor imports reaches server code, a runtime, a driver, a Node built-in or a server package',
      severity: 'error',
      from: { path: '^(editor/src|catalogue/index\\.ts$)', pathNot: '\\.test(-support)?\\.ts$' },
      to: {
        path: `^server/|^(nodes|connectors)/.*/(runtime|driver|server-check)\\.ts$|^catalogue/server\\.ts$|${SERVER_PACKAGES}`,
        reachable: true,
      },
    },
    {
      name: 'editor-no-node-builtins',
      severity: 'error',
      from: { path: '^(editor/src|catalogue/index\\.ts$)', pathNot: '\\.test(-support)?\\.ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'http-only-from-the-composition-root',
      comment: 'server/http is wired in by server/bootstrap.ts alone (and reached by tests)',
      severity: 'error',
      from: { pathNot: `^server/bootstrap\\.ts$|^server/http/|${TESTS}` },
      to: { path: '^server/http/' },
    },
    {
      name: 'engine-knows-no-node-type',
      comment: 'the engine imports no node type, connector, catalogue, store or http: they meet it through node-api.ts and store-port.ts',
      severity: 'error',
      from: { path: '^server/engine/', pathNot: TESTS },
      to: { path: '^(nodes|connectors|catalogue|templates)/|^server/(store|http|flows|auth|sandbox|secrets|templates)/|^server/connections/(?!driver-api\\.ts$)' },
    },
    {
      name: 'nodes-use-only-the-node-contract',
      comment: 'node types and connectors reach the server only through the engine’s node contract and the connection contract (the script node also through the sandbox’s entry)',
      severity: 'error',
      from: { path: '^(nodes|connectors)/', pathNot: TESTS },
      to: { path: '^server/', pathNot: '^server/engine/(node-api|binary)\\.ts$|^server/connections/driver-api\\.ts$|^server/sandbox/index\\.ts$' },
    },
    {
      name: 'connectors-stay-in-their-folder',
      comment: 'a connector imports its own folder, the shared SQL layer and the shared profile parts; never another connector',
      severity: 'error',
      from: { path: '^connectors/([^/]+)/', pathNot: TESTS },
      to: { path: '^connectors/', pathNot: '^connectors/($1|sql)/|^connectors/profile-parts\\.ts$' },
    },
    {
      name: 'no-test-support-in-production',
      comment: 'test helpers are named *.test-support.ts; production code never imports them (nor tests)',
      severity: 'error',
      from: { pathNot: TESTS },
      to: { path: TESTS },
    },
    {
      name: 'no-circular',
      comment: 'no import cycles at run time (a cycle made only of type imports vanishes when compiled)',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|data|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
