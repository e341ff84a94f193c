// microcred's OpenID4VP interop helper: a wallet built on @openid4vc/openid4vp 0.4.6 (the
// OpenID4VP library behind Credo). It resolves a verifier's request (fetching and verifying
// the signed Request Object for x509_san_dns), answers its DCQL query with an SD-JWT VC
// presented by @sd-jwt/sd-jwt-vc (Key Binding JWT with the request's nonce and client_id),
// encrypts the response with jose for direct_post.jwt, and submits it.
// Its verifier side reads a response microcred's holder helper made (decrypting a
// direct_post.jwt JWE with jose). Requests, one JSON object per line: {"op": "answer", "uri",
// "credential", "holderPrivateJwk", "override"?} or {"op": "parse_response", "request",
// "response", "privateJwk"?}; answers: {"ok": true, ...} or {"ok": false, "error"}.
import { createInterface } from 'node:readline';
import { X509Certificate, createHash, randomBytes } from 'node:crypto';
import { Openid4vpClient, Openid4vpVerifier } from '@openid4vc/openid4vp';
import { setGlobalConfig } from '@openid4vc/oauth2';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { ES256, digest, generateSalt } from '@sd-jwt/crypto-nodejs';
import { CompactEncrypt, compactDecrypt, compactVerify, importJWK } from 'jose';

// the tests' verifier runs on http://localhost (never in a real wallet)
setGlobalConfig({ allowInsecureUrls: true });

function leaf(x5c) {
  return new X509Certificate(Buffer.from(x5c, 'base64'));
}

const callbacks = {
  fetch: (...args) => fetch(...args),
  hash: (data, alg) => {
    if (alg !== 'sha-256') throw new Error(`hash ${alg} not supported`);
    return new Uint8Array(createHash('sha256').update(data).digest());
  },
  generateRandom: (n) => new Uint8Array(randomBytes(n)),
  verifyJwt: async (signer, jwt) => {
    if (signer.method !== 'x5c') return { verified: false };
    const key = leaf(signer.x5c[0]).publicKey;
    try {
      await compactVerify(jwt.compact, key);
    } catch {
      return { verified: false };
    }
    return { verified: true, signerJwk: key.export({ format: 'jwk' }) };
  },
  getX509CertificateMetadata: (certificate) => {
    const names = (leaf(certificate).subjectAltName || '').split(',').map((s) => s.trim());
    return {
      sanDnsNames: names.filter((n) => n.startsWith('DNS:')).map((n) => n.slice(4)),
      sanUriNames: names.filter((n) => n.startsWith('URI:')).map((n) => n.slice(4)),
    };
  },
  encryptJwe: async (encryptor, data) => {
    const key = await importJWK(encryptor.publicJwk, encryptor.alg);
    const header = { alg: encryptor.alg, enc: encryptor.enc };
    if (encryptor.publicJwk.kid) header.kid = encryptor.publicJwk.kid;
    const parameters = {};
    if (encryptor.apu) parameters.apu = Buffer.from(encryptor.apu, 'base64url');
    if (encryptor.apv) parameters.apv = Buffer.from(encryptor.apv, 'base64url');
    const jwe = await new CompactEncrypt(new TextEncoder().encode(data))
      .setProtectedHeader(header)
      .setKeyManagementParameters(parameters)
      .encrypt(key);
    return { encryptionJwk: encryptor.publicJwk, jwe };
  },
  signJwt: () => {
    throw new Error('this wallet signs no JARM response');
  },
  decryptJwe: () => {
    throw new Error('this wallet decrypts no request');
  },
};

// the presentation frame of a DCQL credential query: every requested claims path set to true
function frameOf(query) {
  const frame = {};
  for (const claim of query.claims || []) {
    let node = frame;
    const path = claim.path.filter((p) => p !== null);
    path.forEach((part, i) => {
      if (i === path.length - 1) node[part] = true;
      else node = node[part] = node[part] === true ? {} : node[part] || {};
    });
  }
  return frame;
}

async function answer(request) {
  const client = new Openid4vpClient({ callbacks });
  const parsed = client.parseOpenid4vpAuthorizationRequest({ authorizationRequest: request.uri });
  const resolved = await client.resolveOpenId4vpAuthorizationRequest({
    authorizationRequestPayload: parsed.params,
  });
  const payload = resolved.authorizationRequestPayload;
  const query = resolved.dcql.query.credentials.find((c) => c.format === 'dc+sd-jwt');
  if (!query) throw new Error('the request asks for no dc+sd-jwt credential');
  const override = request.override || {};
  const sdjwt = new SDJwtVcInstance({
    hasher: digest,
    hashAlg: 'sha-256',
    saltGenerator: generateSalt,
    kbSigner: await ES256.getSigner(request.holderPrivateJwk),
    kbSignAlg: 'ES256',
  });
  const kb = {
    iat: Math.floor(Date.now() / 1000),
    aud: override.aud || resolved.client.effective,
    nonce: override.nonce || payload.nonce,
  };
  const presentation = await sdjwt.present(request.credential, override.frame || frameOf(query), {
    kb: { payload: kb },
  });
  const jarm = payload.response_mode === 'direct_post.jwt'
    ? {
        encryption: { nonce: Buffer.from(randomBytes(16)).toString('base64url') },
        serverMetadata: {
          authorization_signing_alg_values_supported: [],
          authorization_encryption_alg_values_supported: ['ECDH-ES'],
          authorization_encryption_enc_values_supported: ['A128GCM', 'A256GCM'],
        },
      }
    : undefined;
  const response = await client.createOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: payload,
    authorizationResponsePayload: { vp_token: { [query.id]: [presentation] } },
    jarm,
  });
  const submitted = await client.submitOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: payload,
    authorizationResponsePayload: response.authorizationResponsePayload,
    jarm: response.jarm ? { responseJwt: response.jarm.responseJwt } : undefined,
  });
  return {
    ok: true,
    clientId: resolved.client.effective,
    prefix: resolved.client.prefix,
    signed: resolved.jar !== undefined,
    version: resolved.version,
    responseMode: submitted.responseMode,
    status: submitted.response.status,
    body: await submitted.response.text(),
  };
}

// the verifier side: the library parses and validates a response to a request
async function parseResponse(request) {
  const decryptJwe = async (jwe) => {
    const key = await importJWK(request.privateJwk, 'ECDH-ES');
    const { plaintext } = await compactDecrypt(jwe, key);
    return { decrypted: true, decryptionJwk: request.privateJwk, payload: new TextDecoder().decode(plaintext) };
  };
  const verifierCallbacks = { ...callbacks, decryptJwe };
  const verifier = new Openid4vpVerifier({ callbacks: verifierCallbacks });
  // (0.4.6: this method takes the callbacks in its options, not from the constructor's)
  const parsed = await verifier.parseOpenid4vpAuthorizationResponse({
    authorizationResponse: request.response,
    authorizationRequestPayload: request.request,
    callbacks: verifierCallbacks,
  });
  return {
    ok: true,
    type: parsed.type,
    presentations: parsed.dcql ? parsed.dcql.presentations : null,
    state: parsed.authorizationResponsePayload.state,
    encrypted: parsed.jarm !== undefined,
  };
}

const OPS = { answer, parse_response: parseResponse };

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  let reply;
  try {
    const request = JSON.parse(line);
    if (!OPS[request.op]) throw new Error(`unknown op ${request.op}`);
    reply = await OPS[request.op](request);
  } catch (error) {
    reply = { ok: false, error: String(error && error.message ? error.message : error) };
  }
  process.stdout.write(JSON.stringify(reply) + '\n');
}
