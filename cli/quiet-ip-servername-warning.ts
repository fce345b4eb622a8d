/**
 * grpc-js (1.14) sets a TLS connection's SNI server name to the host it dials even when
 * that host is an IP address (grpc/grpc-node#1919), and Node then prints DEP0123 ("Setting
 * the TLS ServerName to an IP address is not permitted") once per process. The connection
 * is sound — the certificate is still checked against the IP — so our processes drop that
 * one warning rather than print it into every log of a deployment addressed by IP. The
 * SDK leaves your process's warnings alone.
 */
export function quietIpServerNameWarning(): void {
  const emit = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const code = typeof rest[0] === 'object' && rest[0] !== null ? (rest[0] as { code?: string }).code : rest[1];
    if (code === 'DEP0123') return;
    emit(warning, ...rest);
  }) as typeof process.emitWarning;
}
