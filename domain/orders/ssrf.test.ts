import { describe, expect, it } from 'vitest';
import { addressRange, isBlockedAddress, urlHost, urlShapeProblem } from './ssrf.js';

describe('SSRF guard', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['172.16.5.5', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['100.100.100.200', true], // Alibaba metadata (CGNAT range)
    ['168.63.129.16', true], // Azure wire server
    ['0.0.0.0', true],
    ['0.1.2.3', true],
    ['8.8.8.8', false],
    ['::', true],
    ['::1', true],
    ['fd00::1', true],
    ['fd00:ec2::254', true], // AWS IPv6 metadata
    ['fe80::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true], // the reported bypass: URL parsing writes ::ffff:127.0.0.1 this way
    ['::ffff:a00:1', true],
    ['::7f00:1', true], // IPv4-compatible
    ['::127.0.0.1', true],
    ['64:ff9b::7f00:1', true], // NAT64 of 127.0.0.1
    ['64:ff9b::808:808', true], // NAT64 of anything: not ours to translate
    ['64:ff9b:1::a00:1', true], // local-use NAT64
    ['2002:7f00:1::', true], // 6to4 wrapping 127.0.0.1
    ['2001::1', true], // Teredo
    ['::ffff:8.8.8.8', false],
    ['2606:4700::1111', false],
    ['2130706433', true], // decimal 127.0.0.1
    ['0x7f.1', true], // hex
    ['017700000001', true], // octal
    ['0x7f000001', true],
    ['[::1]', true],
    ['fe80::1%eth0', true],
    ['not-an-ip', true],
    ['', true],
  ])('%s blocked=%s', (ip, blocked) => expect(isBlockedAddress(ip)).toBe(blocked));

  it('lets an explicit allow-list through, and nothing beside it', () => {
    expect(isBlockedAddress('127.0.0.1', ['127.0.0.0/8'])).toBe(false);
    expect(isBlockedAddress('::ffff:7f00:1', ['127.0.0.0/8'])).toBe(false);
    expect(isBlockedAddress('10.0.0.5', ['127.0.0.0/8'])).toBe(true);
    expect(isBlockedAddress('::1', ['::1/128'])).toBe(false);
    expect(isBlockedAddress('127.0.0.1', ['127.0.0.2'])).toBe(true);
    expect(isBlockedAddress('127.0.0.2', ['127.0.0.2'])).toBe(false);
    expect(isBlockedAddress('127.0.0.1', ['garbage', '300.0.0.0/8'])).toBe(true);
  });

  it('classifies what URL parsing leaves of the legacy IPv4 spellings', () => {
    for (const raw of ['http://2130706433/', 'http://0x7f.1/', 'http://017700000001/', 'http://[::ffff:127.0.0.1]/', 'http://[::]/']) {
      expect(isBlockedAddress(urlHost(raw)), raw).toBe(true);
    }
    expect(urlHost('http://[::ffff:127.0.0.1]/')).toBe('::ffff:7f00:1');
    expect(addressRange('169.254.169.254')).toBe('linkLocal');
    expect(addressRange('8.8.8.8')).toBe('unicast');
  });

  it('checks URL shape', () => {
    expect(urlShapeProblem('ftp://x', true)).toMatch(/https/);
    expect(urlShapeProblem('http://x', false)).toMatch(/https/);
    expect(urlShapeProblem('https://u:p@x', false)).toMatch(/credentials/);
    expect(urlShapeProblem('https://shop.example/hook', false)).toBeUndefined();
  });
});
