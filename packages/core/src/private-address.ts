/**
 * Which IP addresses are not the public internet: loopback, private (RFC 1918, unique local),
 * link-local (where cloud metadata services answer), shared (CGNAT), unspecified, multicast, reserved
 * and documentation ranges, and IPv6 forms that embed such an IPv4 address. An identity provider
 * that must be reached from this server at one of them is on the host's own network, which the host
 * allows on purpose (`allowPrivateNetworks`); otherwise an admin-typed URL could make the server probe
 * its own network (SSRF). Pure: it reads address literals, it resolves nothing.
 *
 * @module
 */

/** [first address, prefix length] of each IPv4 range that is not the public internet. */
const V4_RANGES: readonly [string, number][] = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // shared address space (CGNAT)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local: 169.254.169.254 is the cloud metadata service
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast (deprecated)
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the broadcast address
];

function v4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

/** {@link V4_RANGES} as [start, end) numbers, computed once. */
const V4_BOUNDS: readonly [number, number][] = V4_RANGES.map(([first, bits]) => {
  const start = v4(first) as number;
  return [start, start + 2 ** (32 - bits)];
});

function inV4Ranges(address: number): boolean {
  return V4_BOUNDS.some(([start, end]) => address >= start && address < end);
}

/** The eight 16-bit groups of an IPv6 literal (an embedded IPv4 tail allowed), or undefined. */
function v6(text: string): number[] | undefined {
  let head = text;
  const tail: number[] = [];
  const dotted = /(?:^|:)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(head);
  if (dotted) {
    const value = v4(dotted[1] as string);
    if (value === undefined) return undefined;
    tail.push(Math.floor(value / 65536), value % 65536);
    head = head.slice(0, head.length - (dotted[1] as string).length);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string) => (part === '' ? [] : part.split(':'));
  const left = parse(halves[0] as string);
  const right = halves.length === 2 ? parse(halves[1] as string) : [];
  if (![...left, ...right].every((group) => /^[0-9a-f]{1,4}$/i.test(group))) return undefined;
  const missing = 8 - left.length - right.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  return [
    ...left.map((g) => Number.parseInt(g, 16)),
    ...Array<number>(halves.length === 2 ? missing : 0).fill(0),
    ...right.map((g) => Number.parseInt(g, 16)),
    ...tail,
  ];
}

function v6IsPrivate(groups: number[]): boolean {
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0, h = 0] = groups;
  const embedded = g * 65536 + h;
  if (a === 0 && b === 0 && c === 0 && d === 0 && e === 0) {
    if (f === 0 && g === 0 && (h === 0 || h === 1)) return true; // :: and ::1
    if (f === 0xffff || f === 0) return inV4Ranges(embedded); // IPv4-mapped, IPv4-compatible
  }
  if (a === 0x64 && b === 0xff9b && c === 0 && d === 0 && e === 0 && f === 0) return inV4Ranges(embedded); // NAT64
  if (a === 0x2002) return inV4Ranges(b * 65536 + c); // 6to4 embeds an IPv4 address
  if ((a & 0xfe00) === 0xfc00) return true; // unique local fc00::/7
  if ((a & 0xffc0) === 0xfe80) return true; // link-local fe80::/10
  if ((a & 0xff00) === 0xff00) return true; // multicast
  if (a === 0x2001 && b === 0x0db8) return true; // documentation
  if (a === 0x0100 && b === 0 && c === 0 && d === 0) return true; // discard prefix
  return false;
}

/**
 * Whether `address`, an IPv4 or IPv6 literal (brackets allowed, as in a URL's hostname), is not a
 * public internet address. A name that is not an IP literal is not judged here: `false`.
 *
 * @example
 * ```ts
 * import { isPrivateAddress } from '@ssokit/core';
 *
 * isPrivateAddress('169.254.169.254'); // true: the cloud metadata service
 * isPrivateAddress('[::ffff:10.0.0.1]'); // true
 * isPrivateAddress('93.184.216.34'); // false
 * ```
 */
export function isPrivateAddress(address: string): boolean {
  const text = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const four = v4(text);
  if (four !== undefined) return inV4Ranges(four);
  const six = v6(text.split('%')[0] as string);
  return six !== undefined && v6IsPrivate(six);
}

/**
 * Whether a URL's hostname names this machine or a private network by itself: a private address
 * literal, or `localhost` and its subdomains. Names that resolve to such addresses are caught when
 * the server connects, not here.
 *
 * @example
 * ```ts
 * import { isPrivateHost } from '@ssokit/core';
 *
 * isPrivateHost(new URL('http://api.localhost:8080/').hostname); // true
 * isPrivateHost('10.1.2.3'); // true
 * isPrivateHost('login.example.com'); // false: only its resolved address can tell
 * ```
 */
export function isPrivateHost(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost') || isPrivateAddress(name);
}
