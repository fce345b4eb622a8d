/**
 * How a `FaultProxy` blackholes its link. In every form, bytes in a blackholed direction
 * vanish and nothing tells either peer: no FIN, no reset, no failed socket is passed on,
 * so only their own timeouts (query and call deadlines, keepalives) can end a connection.
 */
export interface BlackholeOptions {
  /**
   * `both` (default): nothing gets through either way. `backward`: the client's bytes
   * still reach the target and the target's answers vanish, as when a request is carried
   * out and its answer is lost.
   */
  readonly direction?: BlackholeDirection;
  /**
   * `all` (default): the connections open now and every new one (new ones are accepted;
   * with `both` they never reach the target). `open`: only the connections open now, as
   * a stateful firewall that lost track of them; new ones pass.
   */
  readonly scope?: 'all' | 'open';
}

export type BlackholeDirection = 'both' | 'backward';
