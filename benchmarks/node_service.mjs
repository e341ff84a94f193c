// The reference JavaScript verifier and issuer as an HTTP service, for benchmarks/service.py:
// @digitalbazaar/vc with eddsa-rdfc-2022 on node:http, one process, offline document loader
// over the benchmark folder's contexts, the folder's test key as the issuer.
//
//   POST /credentials/verify {"verifiableCredential": {...}}  200 verified / 400 not
//   POST /credentials/issue  {"credential": {...}}            201 {"verifiableCredential": ...}
//
// Env: BENCH_NODE_MODULES (the reference stack's node_modules), BENCH_DATA (its data folder),
// PORT (default 0: any). Logs {"event":"listening","port":N} on stderr.
import {createRequire} from 'node:module';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const require = createRequire(path.join(process.env.BENCH_NODE_MODULES, 'x.js'));
const vc = require('@digitalbazaar/vc');
const {DataIntegrityProof} = require('@digitalbazaar/data-integrity');
const {cryptosuite} = require('@digitalbazaar/eddsa-rdfc-2022-cryptosuite');
const Ed25519Multikey = require('@digitalbazaar/ed25519-multikey');

const DATA = process.env.BENCH_DATA;
const index = JSON.parse(fs.readFileSync(path.join(DATA, 'contexts', 'index.json')));
const DOCS = new Map();
for (const [url, file] of Object.entries(index)) {
  DOCS.set(url, JSON.parse(fs.readFileSync(path.join(DATA, 'contexts', file))));
}
const K = JSON.parse(fs.readFileSync(path.join(DATA, 'test-vector-key.json')));
const method = {
  '@context': 'https://w3id.org/security/multikey/v1',
  id: K.verificationMethod, type: 'Multikey', controller: K.controller,
  publicKeyMultibase: K.publicKeyMultibase,
};
DOCS.set(K.verificationMethod, method);
DOCS.set(K.controller, {
  '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
  id: K.controller, assertionMethod: [method],
});
const documentLoader = async url => {
  const document = DOCS.get(url);
  if (!document) throw new Error('offline loader: unknown URL ' + url);
  return {contextUrl: null, documentUrl: url, document: structuredClone(document)};
};
const keyPair = await Ed25519Multikey.from({
  id: K.verificationMethod, controller: K.controller,
  publicKeyMultibase: K.publicKeyMultibase, secretKeyMultibase: K.secretKeyMultibase,
});
const signer = keyPair.signer();

const answer = (response, status, body) => {
  const data = Buffer.from(JSON.stringify(body));
  response.writeHead(status, {'content-type': 'application/json', 'content-length': data.length});
  response.end(data);
};

async function handle(url, body) {
  if (url === '/credentials/verify') {
    const suite = new DataIntegrityProof({cryptosuite});
    const result = await vc.verifyCredential({
      credential: body.verifiableCredential, suite, documentLoader});
    return [result.verified ? 200 : 400, {verified: result.verified}];
  }
  if (url === '/credentials/issue') {
    const suite = new DataIntegrityProof({signer, cryptosuite});
    const signed = await vc.issue({credential: body.credential, suite, documentLoader});
    return [201, {verifiableCredential: signed}];
  }
  return [404, {error: 'not found'}];
}

const server = http.createServer({noDelay: true, keepAlive: true}, (request, response) => {
  const chunks = [];
  request.on('data', chunk => chunks.push(chunk));
  request.on('end', async () => {
    try {
      const [status, body] = await handle(request.url, JSON.parse(Buffer.concat(chunks)));
      answer(response, status, body);
    } catch (error) {
      answer(response, 400, {error: String(error && error.message)});
    }
  });
});
server.keepAliveTimeout = 60000;
server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  console.error(JSON.stringify({event: 'listening', port: server.address().port}));
});
process.on('SIGTERM', () => { server.close(() => process.exit(0)); server.closeAllConnections(); });
