// The development identity provider: the certified npm `oidc-provider` on
// loopback, as a city's own provider would be set up for MyCity (see
// docs/SECURITY.md, "Sign-in"). Started by the e2e and Rust tests; prints its
// issuer URL on stdout once it listens and runs until killed.
//
//   node tests/e2e/oidc-provider.mjs [--port 0] [--audience urn:mycity:api] [--access-ttl 600]
//
// One public native client, `mycity`: authorization code with PKCE (S256,
// required), no client secret, redirect to http://127.0.0.1/callback on any
// port (RFC 8252 §7.3; oidc-provider ignores the port of loopback redirect
// URIs of native clients) or to the app scheme vn.gov.mycity:/oauth2redirect.
// Access tokens for the API are JWTs (RFC 9068) with `aud` = the audience,
// signed ES256; ID tokens RS256. Refresh tokens rotate. The built-in
// development login form takes any name (the name is the account's `sub`;
// "citizen" owns the reference server's demo dossiers) and any password.
import { createServer } from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};
const port = Number(arg('port', '0'));
const audience = arg('audience', 'urn:mycity:api');
const accessTtl = Number(arg('access-ttl', '600'));

const jwk = (type, options, alg, kid) => ({
  ...generateKeyPairSync(type, options).privateKey.export({ format: 'jwk' }),
  alg, use: 'sig', kid,
});
const keys = [
  jwk('rsa', { modulusLength: 2048 }, 'RS256', 'dev-rs256'),
  jwk('ec', { namedCurve: 'P-256' }, 'ES256', 'dev-es256'),
];

const names = { citizen: 'Nguyễn Thị Dân' };

const server = createServer();
server.listen(port, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: 'mycity',
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: ['http://127.0.0.1/callback', 'vn.gov.mycity:/oauth2redirect'],
      post_logout_redirect_uris: ['http://127.0.0.1/signed-out'],
    }],
    jwks: { keys },
    // Development cookies' signing keys: fresh per run, nothing persists.
    cookies: { keys: [keys[0].kid + Date.now()] },
    pkce: { required: () => true },
    scopes: ['openid', 'profile', 'offline_access', 'api'],
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'] },
    // Access tokens go to the resource server, not to /userinfo: the app reads
    // the person's name from the ID token.
    conformIdTokenClaims: false,
    async findAccount(_ctx, sub) {
      return {
        accountId: sub,
        async claims() {
          return { sub, name: names[sub] ?? sub, preferred_username: sub };
        },
      };
    },
    features: {
      devInteractions: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => audience,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, resource) => {
          if (resource !== audience) throw new Error(`unknown resource ${resource}`);
          return {
            scope: 'api',
            audience,
            accessTokenTTL: accessTtl,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'ES256' } },
          };
        },
      },
    },
    rotateRefreshToken: true,
    ttl: { AccessToken: accessTtl, RefreshToken: 14 * 24 * 3600, Session: 3600, Interaction: 600, Grant: 14 * 24 * 3600 },
  });
  // oidc-provider lists the reason of every refused request here; the tests read it from stderr.
  for (const e of ['grant.error', 'authorization.error', 'server_error']) {
    provider.on(e, (_ctx, err) => console.error(`${e}: ${err.message} ${err.error_description ?? ''}`));
  }
  server.on('request', provider.callback());
  console.log(issuer);
});

for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => server.close(() => process.exit(0)));
