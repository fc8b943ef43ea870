// Stand-in for the reference server until its issue lands: `./wm start` runs this and exits 0.
console.log(`Workflow Manager reference server: not built yet.

The reference server (Fastify + GraphQL with GraphiQL, demo data, tenant isolation on the embedded
PostgreSQL default) arrives in a later issue; this placeholder only proves that the toolchain runs
(node ${process.version}). Meanwhile, \`./wm test\` runs the test suites.`)
