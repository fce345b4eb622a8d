/**
 * A `FaultProxy` could not bind its listening socket (the port is taken, the host is
 * not local, ...). A failure of the environment, not a bug: the caller may pick
 * another port and start a new proxy.
 */
export class FaultProxyListenError extends Error {
  override readonly name = 'FaultProxyListenError';

  constructor(
    /** The proxy's name, as given in its options. */
    readonly proxyName: string,
    readonly listenHost: string,
    readonly listenPort: number,
    options?: ErrorOptions,
  ) {
    super(`fault proxy ${proxyName} could not listen on ${listenHost}:${listenPort}`, options);
  }
}
