// microcred's registry interop helper: the Digital Credentials Consortium's issuer registry
// client (@digitalcredentials/issuer-registry-client, lookupIssuersFor) behind one JSON
// object per line. Request: {"op": "lookup", "registries": [{"type": "dcc-legacy", "name",
// "url"}], "documents": {url: text}, "dids": [...]}; the client's fetch is served from
// "documents" only (offline: any other URL fails). Answer: {"ok": true, "results": {did:
// {"matches": [{"issuer": name, "registry": name}], "unchecked": [name]}}} or
// {"ok": false, "error": "..."}.
import { createInterface } from 'node:readline';
import { RegistryClient } from '@digitalcredentials/issuer-registry-client';

// the client reports what it could not load with console.log: keep stdout for the answers
console.log = (...args) => process.stderr.write(args.map(String).join(' ') + '\n');

let documents = {};
globalThis.fetch = async (url) => {
  const key = String(url);
  if (!Object.prototype.hasOwnProperty.call(documents, key)) {
    throw new Error(`offline: ${key} is not among the test's documents`);
  }
  return new Response(documents[key], {
    status: 200,
    headers: { 'content-type': 'application/json' },
  });
};

async function handle(request) {
  if (request.op !== 'lookup') return { ok: false, error: `unknown op ${request.op}` };
  documents = request.documents || {};
  const client = new RegistryClient();
  client.use({ registries: request.registries });
  const results = {};
  for (const did of request.dids) {
    const { matchingIssuers, uncheckedRegistries } = await client.lookupIssuersFor(did);
    results[did] = {
      matches: matchingIssuers.map((m) => ({
        issuer: m.issuer.federation_entity.organization_name ?? null,
        registry: m.registry.federation_entity.organization_name ?? null,
      })),
      unchecked: uncheckedRegistries.map((r) => r.name),
    };
  }
  return { ok: true, results };
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  let answer;
  try {
    answer = await handle(JSON.parse(line));
  } catch (error) {
    answer = { ok: false, error: String(error && error.stack ? error.stack : error) };
  }
  process.stdout.write(JSON.stringify(answer) + '\n');
}
