import { z } from 'zod';

/**
 * Tenant and user ids as every part of the engine takes them: the gateway's tokens, event
 * envelopes, Kafka keys and the Mongo keys built from them (`${orgId}:…`). One definition, so
 * nothing the gateway lets in can fail further on.
 */
export const ORG_ID_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;
/** A user id (a token's `sub`): printable ASCII without spaces, so IdP forms like `auth0|abc` pass. */
export const USER_ID_PATTERN = /^[\x21-\x7e]{1,200}$/;

export const orgIdSchema = z.string().regex(ORG_ID_PATTERN, 'an org id is 1–100 letters, digits, _ or -');
export const userIdSchema = z.string().regex(USER_ID_PATTERN, 'a user id is 1–200 printable ASCII characters without spaces');
