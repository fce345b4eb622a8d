import { Agent, fetch as undiciFetch } from 'undici';

/** A request to an HTTP gateway, with a bearer token when one is given. */
export type GatewayFetch = (url: string, init?: RequestInit, token?: string) => Promise<Response>;

/**
 * fetch for a gateway over HTTPS with a certificate of a private CA (Node's own fetch
 * takes no CA: undici's, with an agent that trusts `ca`), or plain fetch without `ca`;
 * `token` goes as `Authorization: Bearer`.
 */
export function gatewayFetch(ca: Buffer | undefined): GatewayFetch {
  const agent = ca === undefined ? undefined : new Agent({ connect: { ca } });
  return async (url, init = {}, token) => {
    const headers: Record<string, string> = Object.fromEntries(new Headers(init.headers));
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    if (agent === undefined) return fetch(url, { ...init, headers });
    return (await undiciFetch(url, { ...init, headers, dispatcher: agent } as unknown as Parameters<typeof undiciFetch>[1])) as unknown as Response;
  };
}
