import type { SystemRun } from './bench-report.js';
import { CpuSampler, type CpuSample } from './cpu-sampler.js';
import { runLoad, type LoadOptions } from './run-load.js';

/** runLoad, with the CPU each process used during the measured window; the caller's own window hooks run after each sample. */
export async function measureRun(sampler: CpuSampler, options: LoadOptions): Promise<SystemRun> {
  let from: CpuSample | undefined;
  let to: CpuSample | undefined;
  const result = await runLoad({
    ...options,
    onWindowOpen: () => {
      from = sampler.sample();
      options.onWindowOpen?.();
    },
    onWindowClose: () => {
      to = sampler.sample();
      options.onWindowClose?.();
    },
  });
  return { ...result, cpu: from !== undefined && to !== undefined ? CpuSampler.usage(from, to) : undefined };
}
