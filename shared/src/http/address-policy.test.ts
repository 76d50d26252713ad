import { describe, expect, it } from 'vitest';
import { addressAllowed, classifyAddress } from './address-policy.js';

describe('classifyAddress', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['172.32.0.1', 'public'],
    ['2a00:1450:4001:81c::200e', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.1.2.3', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['192.168.0.1', 'private'],
    ['100.64.0.1', 'private'],
    ['fd12:3456::1', 'private'],
    ['::ffff:10.1.1.1', 'private'],
    ['169.254.169.254', 'link_local'],
    ['fe80::1', 'link_local'],
    ['[fe80::1%eth0]', 'link_local'],
    ['::ffff:a9fe:a9fe', 'link_local'],
    ['64:ff9b::169.254.169.254', 'link_local'],
    ['2002:a9fe:a9fe::1', 'link_local'],
    ['0.0.0.0', 'reserved'],
    ['::', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['198.51.100.1', 'reserved'],
    ['203.0.113.9', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['224.0.0.251', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['ff02::1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['2001::1', 'reserved'],
    ['not an address', 'reserved'],
  ])('%s is %s', (address, kind) => expect(classifyAddress(address)).toBe(kind));
});

describe('addressAllowed', () => {
  it('allows only public addresses, plus private and loopback ones with the local allowance, never link-local or reserved', () => {
    expect(addressAllowed('8.8.8.8', false)).toBe(true);
    for (const a of ['127.0.0.1', '10.0.0.1', '::1']) {
      expect(addressAllowed(a, false), a).toBe(false);
      expect(addressAllowed(a, true), a).toBe(true);
    }
    for (const a of ['169.254.169.254', 'fe80::1', '0.0.0.0', '224.0.0.1']) expect(addressAllowed(a, true), a).toBe(false);
  });
});
