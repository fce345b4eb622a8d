import { ResourceExhaustedError } from '../sdk/sdk-errors.js';
import { TwoPhaseClient, type TwoPhaseClientOptions, type UploadFileResult } from '../sdk/two-phase-client.js';
import { retryRefused } from './retry-refused.js';

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
  static async connect(coordinator: string, tls?: TwoPhaseClientOptions['tls']): Promise<TwophaseUpload> {
    const client = new TwoPhaseClient({ coordinator, callTimeoutMs: 10_000, streamTimeoutMs: 30_000, ...(tls === undefined ? {} : { tls }) });
    await client.connect();
    return new TwophaseUpload(client);
  }

  async upload(namespace: string, path: string, content: Uint8Array): Promise<UploadFileResult> {
    return retryRefused(
      async () => {
        const result = await this.client.uploadFile({ namespace, path, content });
        if (result.pendingParticipants.length > 0) this.pendingCommits++;
        return result;
      },
      (err) => err instanceof ResourceExhaustedError,
      () => this.resourceExhaustedRetries++,
    );
  }

  close(): void {
    this.client.close();
  }
}
