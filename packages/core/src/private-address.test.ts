import { describe, expect, it } from 'vitest';
import { checkIdpUrl } from './idp-url.ts';
import { isPrivateAddress, isPrivateHost } from './private-address.ts';

describe('isPrivateAddress', () => {
  it('knows the IPv4 ranges that are not the public internet', () => {
    for (const address of [
      '0.0.0.0',
      '10.1.2.3',
      '100.64.0.1',
      '127.0.0.1',
      '127.255.0.9',
      '169.254.169.254',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '198.18.0.1',
      '224.0.0.1',
      '255.255.255.255',
    ])
      expect(isPrivateAddress(address), address).toBe(true);
    for (const address of ['8.8.8.8', '172.32.0.1', '100.128.0.1', '93.184.216.34', '1.1.1.1'])
      expect(isPrivateAddress(address), address).toBe(false);
  });

  it('knows IPv6 loopback, unique local, link-local, multicast, and IPv4 addresses embedded in IPv6', () => {
    for (const address of [
      '::1',
      '[::1]',
      '::',
      'fc00::1',
      'fd12:3456::1',
      'fe80::1%eth0',
      'ff02::1',
      '::ffff:127.0.0.1',
      '[::ffff:a9fe:a9fe]', // 169.254.169.254, as a URL parser writes it
      '64:ff9b::10.0.0.1',
      '2002:a9fe:a9fe::1', // 6to4 of 169.254.169.254
      '2001:db8::1',
    ])
      expect(isPrivateAddress(address), address).toBe(true);
    for (const address of ['2606:4700:4700::1111', '::ffff:8.8.8.8', '2a00:1450:4001::200e'])
      expect(isPrivateAddress(address), address).toBe(false);
  });

  it('does not judge names, and refuses what is not an address', () => {
    expect(isPrivateAddress('idp.example.com')).toBe(false);
    expect(isPrivateAddress('1.2.3')).toBe(false);
    expect(isPrivateAddress('1:2:3')).toBe(false);
    expect(isPrivateHost('localhost')).toBe(true);
    expect(isPrivateHost('sso.localhost.')).toBe(true);
    expect(isPrivateHost('idp.example.com')).toBe(false);
  });
});

describe('checkIdpUrl with allowPrivateNetworks: false', () => {
  it('refuses loopback, private and metadata addresses in any spelling a URL parser accepts', () => {
    for (const url of [
      'http://127.0.0.1:8080/realms/x',
      'https://localhost/',
      'https://169.254.169.254/latest/meta-data',
      'https://2130706433/', // 127.0.0.1 as one number
      'https://0x7f.1/',
      'https://[::ffff:169.254.169.254]/',
      'https://10.0.0.5/realms/corp',
    ])
      expect(checkIdpUrl(url, { allowPrivateNetworks: false }), url).toMatchObject({
        ok: false,
        problem: 'private_address',
      });
    expect(checkIdpUrl('https://idp.example.com/', { allowPrivateNetworks: false }).ok).toBe(true);
    // By default (a URL's form only) the loopback exception stays.
    expect(checkIdpUrl('http://127.0.0.1:8080/').ok).toBe(true);
  });
});
