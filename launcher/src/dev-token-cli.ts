import { parseArgs } from 'node:util';
import { devToken } from './dev-token.js';

/** `npm run dev-token -- --org org-a --user alice`: prints a JWT the local gateway accepts. */
const { values } = parseArgs({ options: { org: { type: 'string' }, user: { type: 'string' }, expires: { type: 'string' } } });
process.stdout.write(`${await devToken({ orgId: values.org, userId: values.user, expiresIn: values.expires, secret: process.env.JWT_SECRET, issuer: process.env.JWT_ISSUER, audience: process.env.JWT_AUDIENCE })}\n`);
