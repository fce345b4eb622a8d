import { setTimeout as sleep } from 'node:timers/promises';
import { ResourceExhaustedError } from '../sdk/sdk-errors.js';
import { TwoPhaseClient, type UploadFileResult } from '../sdk/two-phase-client.js';

/** How long one upload keeps retrying a participant that is at its limit. */
const retryForMsMax = 10_000;
const retryDelayMsMax = 100;

/** Atomic uploads through the SDK: one shared client, as an application server would hold. */
export class TwophaseUpload {
  /**
   * Commits that returned once durable but before every participant acked (past the
   * coordinator's phase-2 wait): counted apart, because they did less work before returning.
   */
  pendingCommits = 0;
  /**
   * Attempts refused with RESOURCE_EXHAUSTED (a participant at one of its in-flight limits)
   * and retried, as the error asks ("retry later"); the upload's latency includes the wait.
   */
  resourceExhaustedRetries = 0;

  private constructor(private readonly client: TwoPhaseClient) {}

  /** Connects to the coordinator and discovers the participants, so the first upload measures no set-up. */
  static async connect(coordinator: string): Promise<TwophaseUpload> {
    const client = new TwoPhaseClient({ coordinator, callTimeoutMs: 10_000, streamTimeoutMs: 30_000 });
    await client.connect();
    return new TwophaseUpload(client);
  }

  async upload(namespace: string, path: string, content: Uint8Array): Promise<UploadFileResult> {
    const giveUpAt = Date.now() + retryForMsMax;
    for (let delayMs = 5; ; delayMs = Math.min(delayMs * 2, retryDelayMsMax)) {
      try {
        const result = await this.client.uploadFile({ namespace, path, content });
        if (result.pendingParticipants.length > 0) this.pendingCommits++;
        return result;
      } catch (err) {
        if (!(err instanceof ResourceExhaustedError) || Date.now() + delayMs > giveUpAt) throw err;
        this.resourceExhaustedRetries++;
        // jitter: the refused uploads would otherwise all come back at the same instant
        await sleep(delayMs * (0.5 + Math.random()));
      }
    }
  }

  close(): void {
    this.client.close();
  }
}
