/**
 * The naive HTTP upload server that `npm run bench -- --gateway` measures twophase's gateway
 * against, run as its own process (see BaselineServer): `PUT /v1/files/{namespace}/{path}`
 * writes the body to a file as it arrives, fsyncs it and its directory, then records it
 * with one autocommit INSERT (BaselineUpload). No coordinator: not atomic. Prints
 * `{"port":N}` once it listens; SIGTERM stops it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Command, Option } from 'commander';
import { BaselineUpload } from './baseline-upload.js';
import { concurrencyMax, wholeNumber } from './bench-options.js';

const route = /^\/v1\/files\/([^/]+)\/(.+)$/;
/** Idle keep-alive connections are kept this long: longer than any pause of the bench's clients, as the gateway's are. */
const keepAliveTimeoutMs = 60_000;

async function main(): Promise<void> {
  const program = new Command('run-baseline-server')
    .requiredOption('--database-url <url>', 'the baseline database (BaselineUpload.prepare made it)')
    .requiredOption('--dir <dir>', 'where the uploaded files go')
    .addOption(
      new Option('--pool-size <n>', 'PostgreSQL connections (one per concurrent upload)').argParser(wholeNumber('--pool-size', 1, concurrencyMax)).makeOptionMandatory(),
    );
  program.parse();
  const opts = program.opts<{ databaseUrl: string; dir: string; poolSize: number }>();
  const baseline = await BaselineUpload.open(opts.databaseUrl, opts.dir, opts.poolSize);
  const server = createServer((request, response) => void serve(baseline, request, response));
  server.keepAliveTimeout = keepAliveTimeoutMs;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    console.log(JSON.stringify({ port: typeof address === 'object' && address !== null ? address.port : -1 }));
  });
  process.once('SIGTERM', () => {
    server.closeAllConnections();
    server.close();
    void baseline.close().finally(() => process.exit(0));
  });
}

async function serve(baseline: BaselineUpload, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const match = route.exec(request.url ?? '');
  if (request.method !== 'PUT' || match === null) {
    request.resume();
    return reply(response, 404, { error: { code: 'NOT_FOUND', message: `${request.method} ${request.url}` } });
  }
  try {
    const namespace = decodeURIComponent(match[1] ?? '');
    const path = decodeURIComponent(match[2] ?? '');
    const { sha256, size } = await baseline.upload(namespace, path, request);
    response.setHeader('etag', '"1"');
    reply(response, 201, { namespace, path, revision: 1, size, sha256 });
  } catch (err) {
    // drain what is left of the body, so the connection can carry the next request
    request.resume();
    reply(response, 500, { error: { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) } });
  }
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

main().catch((err: unknown) => {
  process.stderr.write(`baseline server failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
