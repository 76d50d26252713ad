export * from './address-policy.js';
export * from './breaker-pool.js';
export * from './checked-lookup.js';
export * from './http-transport.js';
export * from './provider-client.js';
export * from './outbound-allowlist.js';
export * from './url-path.js';
export * from './botcore-client.js';
