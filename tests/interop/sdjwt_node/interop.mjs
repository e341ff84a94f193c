// microcred's SD-JWT interop helper: the reference JavaScript stack (@sd-jwt/sd-jwt-vc on
// @sd-jwt/core, keys and hashes from @sd-jwt/crypto-nodejs) behind one JSON object per line.
// Requests: {"op": "issue"|"present"|"verify", ...}; answers: {"ok": true, ...} or
// {"ok": false, "error": "..."} (a refused verification is {"ok": true, "verified": false}).
import { createInterface } from 'node:readline';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { ES256, digest, generateSalt } from '@sd-jwt/crypto-nodejs';

async function instance(request) {
  const config = { hasher: digest, hashAlg: 'sha-256', saltGenerator: generateSalt };
  if (request.issuerPrivateJwk) {
    config.signer = await ES256.getSigner(request.issuerPrivateJwk);
    config.signAlg = 'ES256';
  }
  if (request.issuerPublicJwk) {
    config.verifier = await ES256.getVerifier(request.issuerPublicJwk);
  }
  if (request.holderPrivateJwk) {
    config.kbSigner = await ES256.getSigner(request.holderPrivateJwk);
    config.kbSignAlg = 'ES256';
  }
  // the holder's key is the one the SD-JWT binds (cnf.jwk)
  config.kbVerifier = async (data, signature, payload) => {
    const jwk = payload && payload.cnf && payload.cnf.jwk;
    if (!jwk) throw new Error('no cnf.jwk');
    return (await ES256.getVerifier(jwk))(data, signature);
  };
  return new SDJwtVcInstance(config);
}

async function handle(request) {
  const sdjwt = await instance(request);
  if (request.op === 'issue') {
    const header = request.header || {};
    const token = await sdjwt.issue(request.claims, request.frame, { header });
    return { ok: true, token };
  }
  if (request.op === 'present') {
    const options = request.nonce
      ? { kb: { payload: { iat: request.iat, aud: request.aud, nonce: request.nonce } } }
      : undefined;
    const token = await sdjwt.present(request.token, request.frame, options);
    return { ok: true, token };
  }
  if (request.op === 'verify') {
    try {
      const options = { currentDate: request.currentDate, skewSeconds: 300 };
      if (request.nonce) options.keyBindingNonce = request.nonce;
      const result = await sdjwt.verify(request.token, options);
      if (request.nonce && (!result.kb || result.kb.payload.aud !== request.aud)) {
        return { ok: true, verified: false, error: 'aud does not match' };
      }
      return { ok: true, verified: true, payload: result.payload, claims: await sdjwt.getClaims(request.token) };
    } catch (error) {
      return { ok: true, verified: false, error: String(error && error.message || error) };
    }
  }
  return { ok: false, error: `unknown op ${request.op}` };
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  let answer;
  try {
    answer = await handle(JSON.parse(line));
  } catch (error) {
    answer = { ok: false, error: String(error && error.stack || error) };
  }
  process.stdout.write(JSON.stringify(answer) + '\n');
}
