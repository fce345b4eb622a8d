import { afterAll, beforeAll, describe } from 'vitest';
import { DevSystem } from '../support/dev-system.js';
import { gatewayEndToEnd } from './gateway-end-to-end.js';

let sys: DevSystem;

beforeAll(async () => {
  sys = await DevSystem.start(['--max-upload-bytes', String(1024 * 1024), '--admin']);
}, 120_000);

afterAll(async () => {
  await sys?.stop();
});

describe('HTTP gateway end to end (all real processes)', () => {
  gatewayEndToEnd(() => sys);
});
