export * from './provider-client.js';
export * from './outbound-allowlist.js';
export * from './botcore-client.js';
