// microcred's OpenID4VCI interop helper: a wallet redeeming a credential offer (pre-authorized
// code, with or without a transaction code) with one of two independent client libraries,
// @openid4vc/openid4vci (the library behind Credo) or @sphereon/oid4vci-client, behind one JSON
// object per line. Request: {"client": "openid4vc"|"sphereon", "offer": URI, "txCode": ...,
// "holderPrivateJwk": JWK, "configurations": [ids] (default: every offered one)}; answer:
// {"ok": true, "credentials": [{"configuration", "credential"}]} or {"ok": false, "error"}.
import { createInterface } from 'node:readline';
import { createHash, createPrivateKey, randomBytes, sign } from 'node:crypto';
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

async function withOpenid4vc(request) {
  const holder = request.holderPrivateJwk;
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
  const client = new Openid4vciClient({ callbacks });
  const offer = await client.resolveCredentialOffer(request.offer);
  const metadata = await client.resolveIssuerMetadata(offer.credential_issuer);
  const { accessTokenResponse } = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
    credentialOffer: offer,
    issuerMetadata: metadata,
    txCode: request.txCode ?? undefined,
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
    });
    if (!response.ok) {
      throw new Error(`credential endpoint: ${JSON.stringify(response.credentialErrorResponseResult?.data ?? response.response?.status)}`);
    }
    credentials.push({ configuration: id, credential: response.credentialResponse.credentials[0].credential });
  }
  return { ok: true, credentials, version: metadata.originalDraftVersion };
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
