/**
 * `host:port` (a `[v6]` host without its brackets) as a host and a port number from 0 to
 * 65535; undefined when it is not that. The form `listenAddress` (setting-types) accepts.
 */
export function splitListenAddress(listen: string): { host: string; port: number } | undefined {
  const colon = listen.lastIndexOf(':');
  const portText = listen.slice(colon + 1);
  const port = Number(portText);
  if (colon <= 0 || !/^\d{1,5}$/.test(portText) || port > 65_535) return undefined;
  return { host: listen.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port };
}
