import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseBenchOptions } from '../../bench/bench-options.js';

const parse = (...argv: string[]) => parseBenchOptions(argv, { exit: false });

describe('npm run bench options', () => {
  it('runs the SDK levels alone by default, dev at --log-level warn', () => {
    const options = parse();
    expect(options).toMatchObject({ sdk: true, gateway: false, largeUploadBytes: undefined, logLevel: 'warn', concurrency: [1, 16, 64], repeat: 3 });
  });

  it('keeps --log-level to change the level dev runs at', () => {
    expect(parse('--log-level', 'info').logLevel).toBe('info');
  });

  it('adds the gateway levels with --gateway, and leaves out the SDK ones with --no-sdk', () => {
    expect(parse('--gateway')).toMatchObject({ sdk: true, gateway: true });
    expect(parse('--gateway', '--no-sdk')).toMatchObject({ sdk: false, gateway: true });
  });

  it('takes the large upload in bytes, from 1 MiB to the blob store object limit', () => {
    expect(parse('--large-upload-bytes', '1073741824').largeUploadBytes).toBe(1073741824);
    expect(parse('--no-sdk', '--large-upload-bytes', String(1024 ** 2))).toMatchObject({ sdk: false, gateway: false, largeUploadBytes: 1024 ** 2 });
    for (const bad of ['1000', String(5 * 1024 ** 3 + 1), '1048576.5', 'lots']) expect(() => parse('--large-upload-bytes', bad), bad).toThrow(CommanderError);
  });

  it('refuses --no-sdk with nothing else to measure', () => {
    expect(() => parse('--no-sdk')).toThrow(/nothing to measure/);
  });

  it('refuses silent: dev would never see its children ready', () => {
    expect(() => parse('--log-level', 'silent')).toThrow(CommanderError);
  });
});
