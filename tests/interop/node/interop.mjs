// microcred interoperability helper: drives the reference JavaScript stack
// (@digitalbazaar/vc + Data Integrity cryptosuites, and panva/jose) for the Python tests.
// Protocol: one JSON request per line on stdin, one JSON response per line on stdout.
// Offline: the document loader serves only the documents sent with each request.
import readline from 'node:readline';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as eddsaJcs from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {cryptosuite as ecdsaRdfc} from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import * as ecdsaJcs from '@digitalbazaar/ecdsa-jcs-2019-cryptosuite';
import * as ecdsaSd from '@digitalbazaar/ecdsa-sd-2023-cryptosuite';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import {Ed25519Signature2018} from '@digitalbazaar/ed25519-signature-2018';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import * as jose from 'jose';
import canonize from 'rdf-canonize';

// The JCS and SD packages export factories (sign / verify), the RDFC ones a cryptosuite
// object. ecdsa-sd-2023 signs base proofs (with the request's mandatory pointers) and
// verifies derived ones.
const CRYPTOSUITES = {
  'eddsa-rdfc-2022': {sign: () => eddsaRdfc, verify: () => eddsaRdfc},
  'ecdsa-rdfc-2019': {sign: () => ecdsaRdfc, verify: () => ecdsaRdfc},
  'eddsa-jcs-2022': {sign: () => eddsaJcs.createSignCryptosuite(),
    verify: () => eddsaJcs.createVerifyCryptosuite()},
  'ecdsa-jcs-2019': {sign: () => ecdsaJcs.createSignCryptosuite(),
    verify: () => ecdsaJcs.createVerifyCryptosuite()},
  'ecdsa-sd-2023': {
    sign: request => ecdsaSd.createSignCryptosuite(
      {mandatoryPointers: request.mandatoryPointers || []}),
    verify: () => ecdsaSd.createVerifyCryptosuite()},
};

function loaderFor(documents) {
  return async url => {
    let document = documents[url];
    if(!document && url.includes('#')) {
      const base = documents[url.split('#')[0]];
      if(base) {
        const candidates = [].concat(base.verificationMethod || [], base.assertionMethod || [],
          base.authentication || []);
        const vm = candidates.find(m => typeof m === 'object' &&
          (m.id === url || base.id + m.id === url));
        if(vm) {
          document = {'@context': base['@context'], ...vm, id: url};
        }
      }
    }
    if(!document) {
      throw new Error('offline loader: unknown URL ' + url);
    }
    return {contextUrl: null, documentUrl: url, document: structuredClone(document)};
  };
}

async function keyPairOf(key) {
  const options = {id: key.id, controller: key.controller,
    publicKeyMultibase: key.publicKeyMultibase, secretKeyMultibase: key.secretKeyMultibase};
  return key.keyType === 'Ed25519' ?
    Ed25519Multikey.from(options) : EcdsaMultikey.from(options);
}

function suitesFor(names) {
  return names.map(name => name === 'Ed25519Signature2020' ?
    new Ed25519Signature2020() : name === 'Ed25519Signature2018' ?
      new Ed25519Signature2018() :
      new DataIntegrityProof({cryptosuite: CRYPTOSUITES[name].verify()}));
}

async function handle(request) {
  const documentLoader = loaderFor(request.documents || {});
  switch(request.op) {
  case 'sign': {
    const keyPair = await keyPairOf(request.key);
    const signer = keyPair.signer();
    const date = request.created;
    const suite = request.suite === 'Ed25519Signature2020' ?
      new Ed25519Signature2020({signer, date}) : request.suite === 'Ed25519Signature2018' ?
        new Ed25519Signature2018({signer, date}) :
        new DataIntegrityProof(
          {signer, date, cryptosuite: CRYPTOSUITES[request.suite].sign(request)});
    const signed = await vc.issue({credential: request.document, suite, documentLoader});
    return {ok: true, signed};
  }
  case 'verify': {
    const result = await vc.verifyCredential({
      credential: request.credential, suite: suitesFor(request.suites), documentLoader,
      checkStatus: async () => ({verified: true})
    });
    const error = result.error ?
      (result.error.errors || [result.error]).map(e => e.message).join('; ') : undefined;
    return {ok: true, verified: result.verified, error};
  }
  case 'derive': {
    const suite = new DataIntegrityProof({cryptosuite: ecdsaSd.createDiscloseCryptosuite(
      {selectivePointers: request.selectivePointers})});
    const derived = await vc.derive(
      {verifiableCredential: request.credential, suite, documentLoader});
    return {ok: true, derived};
  }
  case 'canonize': {
    // the same work bound as microcred's default (10,000 Hash N-Degree Quads calls); the
    // library's own default (as many calls as blank nodes that share a hash) refuses some
    // small datasets the differential test draws
    const nquads = await canonize.canonize(request.nquads, {algorithm: 'RDFC-1.0',
      inputFormat: 'application/n-quads', format: 'application/n-quads',
      messageDigestAlgorithm: request.hash || 'sha256', maxDeepIterations: 10000});
    return {ok: true, nquads};
  }
  case 'present-sign': {
    const keyPair = await keyPairOf(request.key);
    const suite = new DataIntegrityProof({signer: keyPair.signer(), date: request.created,
      cryptosuite: CRYPTOSUITES[request.suite].sign(request)});
    const signed = await vc.signPresentation({presentation: request.presentation, suite,
      challenge: request.challenge, domain: request.domain, documentLoader});
    return {ok: true, signed};
  }
  case 'present-verify': {
    const result = await vc.verify({
      presentation: request.presentation, suite: suitesFor(request.suites),
      challenge: request.challenge, domain: request.domain, documentLoader,
      checkStatus: async () => ({verified: true})
    });
    const errors = [result.error, ...(result.credentialResults || []).map(r => r.error)]
      .filter(Boolean).flatMap(e => e.errors || [e]).map(e => e.message);
    return {ok: true, verified: result.verified,
      credentialsVerified: (result.credentialResults || []).map(r => r.verified),
      error: errors.length ? errors.join('; ') : undefined};
  }
  case 'jwt-sign': {
    const key = await jose.importJWK(request.jwk, request.alg);
    const token = await new jose.SignJWT(request.payload)
      .setProtectedHeader(request.header).sign(key);
    return {ok: true, token};
  }
  case 'jwt-verify': {
    try {
      const key = await jose.importJWK(request.jwk, request.algorithms[0]);
      const {payload, protectedHeader} = await jose.jwtVerify(request.token, key,
        {algorithms: request.algorithms, currentDate: new Date(request.now || Date.now())});
      return {ok: true, verified: true, payload, protectedHeader};
    } catch(e) {
      return {ok: true, verified: false, error: e.message};
    }
  }
  case 'ob3-jwt-verify': {
    // Open Badges 3.0 section 8.2 read independently of microcred: the signature with
    // panva/jose, then the JOSE header (no header beyond alg, kid, jwk, typ; typ JWT) and
    // the payload as the credential whose members the registered claims must match.
    try {
      const key = await jose.importJWK(request.jwk, request.algorithms[0]);
      const {payload, protectedHeader} = await jose.jwtVerify(request.token, key,
        {algorithms: request.algorithms, currentDate: new Date(request.now || Date.now()),
          typ: 'JWT'});
      const problems = [];
      const extra = Object.keys(protectedHeader)
        .filter(name => !['alg', 'kid', 'jwk', 'typ'].includes(name));
      if(extra.length) problems.push('additional JOSE headers: ' + extra.join(', '));
      if('vc' in payload) problems.push('the credential is in a vc claim');
      const issuer = typeof payload.issuer === 'string' ? payload.issuer :
        (payload.issuer || {}).id;
      const seconds = value => Math.floor(Date.parse(value) / 1000);
      const subject = Array.isArray(payload.credentialSubject) ?
        payload.credentialSubject[0] : payload.credentialSubject;
      const expected = {iss: issuer, jti: payload.id, sub: (subject || {}).id,
        nbf: seconds(payload.validFrom)};
      if(payload.validUntil !== undefined) expected.exp = seconds(payload.validUntil);
      for(const [claim, value] of Object.entries(expected)) {
        if(payload[claim] !== value) {
          problems.push(`${claim} is ${JSON.stringify(payload[claim])}, expected ` +
            JSON.stringify(value));
        }
      }
      const credential = {...payload};
      for(const claim of ['iss', 'jti', 'sub', 'nbf', 'exp']) delete credential[claim];
      return {ok: true, verified: problems.length === 0, error: problems.join('; ') || undefined,
        payload, protectedHeader, credential};
    } catch(e) {
      return {ok: true, verified: false, error: e.message};
    }
  }
  default:
    return {ok: false, error: 'unknown op ' + request.op};
  }
}

const lines = readline.createInterface({input: process.stdin});
for await (const line of lines) {
  let response;
  try {
    response = await handle(JSON.parse(line));
  } catch(e) {
    response = {ok: false, error: String(e && e.stack || e)};
  }
  process.stdout.write(JSON.stringify(response) + '\n');
}
