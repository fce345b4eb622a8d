import fc from 'fast-check';

/** A protobuf varint. */
function varint(n: bigint): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(64, n);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

const tag = (field: number, wireType: number): number[] => varint(BigInt((field << 3) | wireType));

/** A length-delimited payload: random bytes, text (long, or not UTF-8), or a nested message of the same kind. */
const payload = (nested: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.uint8Array({ maxLength: 64 }) },
    { weight: 2, arbitrary: fc.string({ maxLength: 80 }).map((s) => new Uint8Array(Buffer.from(s, 'utf8'))) },
    // an oversized field: far past every length a field of ours allows
    { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 300_000 }).map((n) => new Uint8Array(Buffer.alloc(n, 0x61))) },
    { weight: 2, arbitrary: nested },
  );

/**
 * Protobuf messages built on the wire, field by field, without the schema: any field number
 * a request of ours uses (1–20) with any wire type, so that fields come with the wrong
 * type, out of range, unknown enum values, oversized, nested where a scalar is expected;
 * and now and then bytes that are not a message at all (a truncated varint, a bad wire type).
 */
export function protobufWireMessage(): fc.Arbitrary<Buffer> {
  const { message } = fc.letrec<{ message: Uint8Array; field: number[] }>((tie) => ({
    field: fc.oneof(
      fc.record({ no: fc.integer({ min: 1, max: 20 }), v: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }) }).map(({ no, v }) => [...tag(no, 0), ...varint(v)]),
      fc.record({ no: fc.integer({ min: 1, max: 20 }), b: fc.uint8Array({ minLength: 8, maxLength: 8 }) }).map(({ no, b }) => [...tag(no, 1), ...b]),
      fc.record({ no: fc.integer({ min: 1, max: 20 }), p: payload(tie('message') as fc.Arbitrary<Uint8Array>) }).map(({ no, p }) => [...tag(no, 2), ...varint(BigInt(p.length)), ...p]),
      fc.record({ no: fc.integer({ min: 1, max: 20 }), b: fc.uint8Array({ minLength: 4, maxLength: 4 }) }).map(({ no, b }) => [...tag(no, 5), ...b]),
    ),
    message: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.array(tie('field') as fc.Arbitrary<number[]>, { maxLength: 6 }).map((fields) => new Uint8Array(fields.flat())),
      // not a message: random bytes, or a field cut short
      fc.uint8Array({ minLength: 1, maxLength: 40 }),
      fc.integer({ min: 1, max: 20 }).map((no) => new Uint8Array([...tag(no, 2), 0xff, 0xff, 0x03])),
    ),
  }));
  return message.map((bytes) => Buffer.from(bytes));
}

/** The kinds of out-of-order or contradicting Put streams, for a tx the caller began. */
export type PutStreamKind = 'chunk-before-header' | 'two-headers' | 'no-message' | 'size-promised-not-sent' | 'wrong-sha256' | 'bad-tx-id' | 'oversized-chunk-after-header';

export const putStreamKinds: readonly PutStreamKind[] = ['chunk-before-header', 'two-headers', 'no-message', 'size-promised-not-sent', 'wrong-sha256', 'bad-tx-id', 'oversized-chunk-after-header'];
