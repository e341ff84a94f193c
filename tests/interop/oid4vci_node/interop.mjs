// microcred's OpenID4VCI interop helper: a wallet redeeming a credential offer (pre-authorized
// code, with or without a transaction code) with one of two independent client libraries,
// @openid4vc/openid4vci (the library behind Credo) or @sphereon/oid4vci-client, behind one JSON
// object per line. Request: {"client": "openid4vc"|"sphereon", "offer": URI, "txCode": ...,
// "holderPrivateJwk": JWK, "configurations": [ids] (default: every offered one)}; answer:
// {"ok": true, "credentials": [{"configuration", "credential"}]} or {"ok": false, "error"}.
import { createInterface } from 'node:readline';
import { X509Certificate, createHash, createPrivateKey, randomBytes, sign, verify } from 'node:crypto';
import { Openid4vciClient, setGlobalConfig } from '@openid4vc/openid4vci';
import { clientAuthenticationAnonymous } from '@openid4vc/oauth2';
import { OpenID4VCIClientV1_0_15 } from '@sphereon/oid4vci-client';

// the tests' issuer listens on http://127.0.0.1 (a loopback test server)
setGlobalConfig({ allowInsecureUrls: true });

const b64 = (data) => Buffer.from(data).toString('base64url');

function publicJwk(jwk) {
  const { d, ...pub } = jwk;
  return pub;
}

function signCompact(privateJwk, header, payload) {
  const input = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(payload))}`;
  const key = createPrivateKey({ key: privateJwk, format: 'jwk' });
  const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64(signature)}`;
}

// signed issuer metadata (x5c): the signature is checked with the leaf certificate's key, and
// the leaf must be the one the test trusts (request.trustedLeaf, base64 DER)
function verifyX5c(request, verified) {
  return async (signer, { compact }) => {
    if (signer.method !== 'x5c' || signer.x5c[0] !== request.trustedLeaf) return { verified: false };
    const key = new X509Certificate(Buffer.from(signer.x5c[0], 'base64')).publicKey;
    const [header, payload, signature] = compact.split('.');
    const ok = verify('sha256', Buffer.from(`${header}.${payload}`), { key, dsaEncoding: 'ieee-p1363' },
      Buffer.from(signature, 'base64url'));
    if (ok) verified.push(signer.method);
    return ok ? { verified: true, signerJwk: key.export({ format: 'jwk' }) } : { verified: false };
  };
}

async function withOpenid4vc(request) {
  const holder = request.holderPrivateJwk;
  const verified = [];
  const callbacks = {
    fetch,
    hash: (data, alg) => new Uint8Array(createHash(alg.replace('-', '')).update(data).digest()),
    generateRandom: (length) => new Uint8Array(randomBytes(length)),
    clientAuthentication: clientAuthenticationAnonymous(),
    signJwt: async (signer, { header, payload }) => ({
      jwt: signCompact(holder, header, payload),
      signerJwk: publicJwk(holder),
    }),
  };
  if (request.trustedLeaf) {
    callbacks.verifyJwt = verifyX5c(request, verified);
    // the library sends no Accept header: this wallet asks for the signed metadata itself
    callbacks.fetch = (url, init = {}) => {
      if (!String(url).includes('/.well-known/openid-credential-issuer')) return fetch(url, init);
      const headers = new Headers(init.headers);
      headers.set('Accept', 'application/jwt, application/json;q=0.5');
      return fetch(url, { ...init, headers });
    };
  }
  const client = new Openid4vciClient({ callbacks });
  const offer = await client.resolveCredentialOffer(request.offer);
  const metadata = await client.resolveIssuerMetadata(offer.credential_issuer);
  // with request.dpop, the access token is bound to the holder's key (RFC 9449)
  const dpopSigner = request.dpop
    ? { signer: { method: 'jwk', alg: 'ES256', publicJwk: publicJwk(holder) } }
    : undefined;
  const { accessTokenResponse, dpop } = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
    credentialOffer: offer,
    issuerMetadata: metadata,
    txCode: request.txCode ?? undefined,
    dpop: dpopSigner,
  });
  const credentials = [];
  for (const id of request.configurations ?? offer.credential_configuration_ids) {
    const { c_nonce } = await client.requestNonce({ issuerMetadata: metadata });
    const { jwt } = await client.createCredentialRequestJwtProof({
      issuerMetadata: metadata,
      credentialConfigurationId: id,
      signer: { method: 'jwk', alg: 'ES256', publicJwk: publicJwk(holder) },
      nonce: c_nonce,
    });
    const response = await client.retrieveCredentials({
      issuerMetadata: metadata,
      accessToken: accessTokenResponse.access_token,
      credentialConfigurationId: id,
      proofs: { jwt: [jwt] },
      dpop,
    });
    if (!response.ok) {
      throw new Error(`credential endpoint: ${JSON.stringify(response.credentialErrorResponseResult?.data ?? response.response?.status)}`);
    }
    credentials.push({ configuration: id, credential: response.credentialResponse.credentials[0].credential });
  }
  return {
    ok: true,
    credentials,
    version: metadata.originalDraftVersion,
    tokenType: accessTokenResponse.token_type,
    signedMetadata: Boolean(metadata.signedCredentialIssuer),
    verified,
  };
}

async function withSphereon(request) {
  const holder = request.holderPrivateJwk;
  const client = await OpenID4VCIClientV1_0_15.fromURI({ uri: request.offer, retrieveServerMetadata: true });
  await client.acquireAccessToken(request.txCode ? { pin: request.txCode } : {});
  const offered = client.getCredentialOfferConfigurationIds();
  const supported = client.getCredentialsSupported();
  const credentials = [];
  for (const id of request.configurations ?? offered) {
    // a c_nonce is good for one key proof at microcred (the client caches the first it gets)
    await client.acquireNonce();
    const response = await client.acquireCredentials({
      credentialConfigurationId: id,
      format: supported[id].format,
      jwk: publicJwk(holder),
      alg: 'ES256',
      proofCallbacks: {
        signCallback: async (jwt) => signCompact(holder, jwt.header, jwt.payload),
      },
    });
    const credential = response.credentials ? response.credentials[0].credential : response.credential;
    credentials.push({ configuration: id, credential });
  }
  return { ok: true, credentials };
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  let answer;
  try {
    const request = JSON.parse(line);
    answer = request.client === 'sphereon' ? await withSphereon(request) : await withOpenid4vc(request);
  } catch (error) {
    answer = { ok: false, error: String((error && (error.message + (error.response ? ' ' + JSON.stringify(error.response) : ''))) || error) };
  }
  process.stdout.write(JSON.stringify(answer) + '\n');
}
