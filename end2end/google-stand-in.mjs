// Plays Google's OAuth 2.0 / OpenID Connect endpoints for the end-to-end tests, on loopback:
// /authorize redirects straight back with a code, /token checks the PKCE verifier, /userinfo
// answers with the claims below. Usage: node google-stand-in.mjs PORT PICTURE_URL
import { OAuth2Server } from 'oauth2-mock-server';

const [port, picture] = [Number(process.argv[2]), process.argv[3]];
const server = new OAuth2Server();
await server.issuer.keys.generate('RS256');
server.service.on('beforeUserinfo', (response) => {
  response.body = {
    sub: '104912345678901234567',
    email: 'grace.google@example.com',
    email_verified: true,
    name: 'Grace Google',
    picture,
  };
});
await server.start(port, '127.0.0.1');
console.log(`google stand-in listening on ${server.issuer.url}`);
