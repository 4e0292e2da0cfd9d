import { describe, expect, it } from 'vitest';
import { isBlockedAddress, urlShapeProblem } from './ssrf.js';

describe('SSRF guard', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['172.16.5.5', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['8.8.8.8', false],
    ['::1', true],
    ['fd00::1', true],
    ['fe80::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:8.8.8.8', false],
    ['2606:4700::1111', false],
    ['not-an-ip', true],
  ])('%s blocked=%s', (ip, blocked) => expect(isBlockedAddress(ip)).toBe(blocked));

  it('lets an explicit allow-list through', () => {
    expect(isBlockedAddress('127.0.0.1', ['127.0.0.0/8'])).toBe(false);
    expect(isBlockedAddress('10.0.0.5', ['127.0.0.0/8'])).toBe(true);
    expect(isBlockedAddress('::1', ['::1/128'])).toBe(false);
  });

  it('checks URL shape', () => {
    expect(urlShapeProblem('ftp://x', true)).toMatch(/https/);
    expect(urlShapeProblem('http://x', false)).toMatch(/https/);
    expect(urlShapeProblem('https://u:p@x', false)).toMatch(/credentials/);
    expect(urlShapeProblem('https://shop.example/hook', false)).toBeUndefined();
  });
});
