import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { crc32c } from '../../lib/crc32c/crc32c.js';

/** The definition, one bit at a time: slow, obviously right, the oracle for the tables. */
function crc32cBitwise(buf: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of buf) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return ~crc >>> 0;
}

describe('crc32c', () => {
  it('matches the published CRC-32C check values', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    // RFC 3720 (iSCSI) appendix B.4
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it('agrees with the bitwise definition at every length and alignment', () => {
    const data = randomBytes(300);
    for (let start = 0; start < 8; start++) {
      for (let length = 0; length <= 260; length++) {
        const slice = data.subarray(start, start + length);
        expect(crc32c(slice)).toBe(crc32cBitwise(slice));
      }
    }
  });

  it('continuing from a seed equals checksumming the concatenation', () => {
    const data = randomBytes(1000);
    for (const cut of [0, 1, 7, 8, 9, 500, 999, 1000]) {
      expect(crc32c(data.subarray(cut), crc32c(data.subarray(0, cut)))).toBe(crc32c(data));
    }
  });
});
