import type { SystemRun } from './bench-report.js';
import { CpuSampler, type CpuSample } from './cpu-sampler.js';
import { runLoad, type LoadOptions } from './run-load.js';

/** runLoad, with the CPU each process used during the measured window. */
export async function measureRun(sampler: CpuSampler, options: Omit<LoadOptions, 'onWindowOpen' | 'onWindowClose'>): Promise<SystemRun> {
  let from: CpuSample | undefined;
  let to: CpuSample | undefined;
  const result = await runLoad({
    ...options,
    onWindowOpen: () => {
      from = sampler.sample();
    },
    onWindowClose: () => {
      to = sampler.sample();
    },
  });
  return { ...result, cpu: from !== undefined && to !== undefined ? CpuSampler.usage(from, to) : undefined };
}
