import { Command, Option } from 'commander';
import { parseSettings } from '../lib/config/parse-settings.js';
import { gatewaySettingNames, gatewaySettingsSchema } from '../gateway/gateway-settings.js';
import { runUntilSignal } from './run-until-signal.js';
import { limits } from '../lib/limits/limits.js';
import { withTlsOptions } from './tls-options.js';
import { untilLoaded } from './until-loaded.js';

export function gatewayCommand(): Command {
  return withTlsOptions(new Command('gateway'), { server: false })
    .description('Run the HTTP upload gateway: PUT/GET/HEAD/DELETE /v1/files/{namespace}/{path}, each write one atomic transaction.')
    .addOption(new Option('--listen <host:port>', 'HTTP address to serve').env('TWOPHASE_HTTP_LISTEN').default('127.0.0.1:8080'))
    .addOption(
      new Option(
        '--coordinator <host:port|id=host:port,…>',
        'gRPC address of the coordinator; or, for coordinators on a shared decision log, each as id=host:port (comma-separated): a Begin goes to each live one in turn, the rest of a tx to the one that began it, and its outcome to the others when that one stays unreachable',
      ).env('TWOPHASE_COORDINATOR').default('127.0.0.1:7070'))
    .addOption(new Option('--max-upload-bytes <n>', 'largest accepted upload (413 above)').env('TWOPHASE_MAX_UPLOAD_BYTES').default(String(limits.gatewayUploadBytesDefault)))
    .addOption(new Option('--call-timeout-ms <ms>', 'deadline of each gRPC call to the services').env('TWOPHASE_CALL_TIMEOUT_MS').default(String(limits.sdkCallTimeoutMsDefault)))
    .addOption(new Option('--metrics-listen <host:port>', 'serve Prometheus metrics at http://HOST:PORT/metrics (off by default)').env('TWOPHASE_METRICS_LISTEN'))
    .addOption(
      new Option('--headers-timeout-ms <ms>', "a request's headers must arrive within this long of its first byte (a client trickling them is cut off)")
        .env('TWOPHASE_HEADERS_TIMEOUT_MS')
        .default(String(limits.gatewayHeadersTimeoutMs)),
    )
    .addOption(
      new Option('--idle-timeout-ms <ms>', 'close a connection that moved no byte either way for this long (an upload trickling slower too)').env('TWOPHASE_IDLE_TIMEOUT_MS').default(String(limits.gatewayIdleTimeoutMs)),
    )
    .addOption(
      new Option('--connections-per-client <n>', 'open connections kept from one client address; more are closed at once (raise it behind a proxy, whose address all clients share)')
        .env('TWOPHASE_CONNECTIONS_PER_CLIENT')
        .default(String(limits.gatewayConnectionsPerClientMax)),
    )
    .addOption(
      new Option('--auth <mode>', 'jwt: every request needs a bearer JWT granting its namespace (see --jwt-*); none: anyone reaching the port may read and write every namespace (local use only)')
        .env('TWOPHASE_AUTH')
        .default('jwt'),
    )
    .addOption(new Option('--jwt-secret-file <file>', 'verify HS256 tokens with the secret in this file (at least 32 bytes)').env('TWOPHASE_JWT_SECRET_FILE'))
    .addOption(new Option('--jwt-public-key-file <file>', 'verify RS256 or ES256 tokens with this PEM public key').env('TWOPHASE_JWT_PUBLIC_KEY_FILE'))
    .addOption(new Option('--jwks-file <file>', 'verify RS256 or ES256 tokens with the keys of this JSON Web Key Set file (by kid)').env('TWOPHASE_JWKS_FILE'))
    .addOption(new Option('--jwt-issuer <iss>', 'accept only tokens with this "iss"').env('TWOPHASE_JWT_ISSUER'))
    .addOption(new Option('--jwt-audience <aud>', 'accept only tokens with this "aud"').env('TWOPHASE_JWT_AUDIENCE'))
    .addOption(new Option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent').env('TWOPHASE_LOG_LEVEL').default('info'))
    .addHelpText(
      'after',
      '\nTokens: a JWT with "exp" and a claim naming the namespaces its bearer may read and write, "*" for all:\n  {"sub": "alice", "exp": 1893456000, "namespaces": {"read": ["alice", "shared"], "write": ["alice"]}}\nMissing or invalid: 401 with WWW-Authenticate: Bearer. A namespace not granted: 403.\n\nTLS: with --tls-cert/--tls-key/--tls-ca the gateway serves HTTPS with that certificate and\npresents it to the coordinator and participants (mutual TLS; the access policy lists it under "clients").\n',
    )
    .action(async (opts: Record<string, unknown>) => {
      const settings = parseSettings(gatewaySettingsSchema, opts, gatewaySettingNames);
      const { runGateway } = await import('../gateway/main.js');
      await untilLoaded(settings.auth === 'jwt' ? () => import('jose') : undefined);
      const running = await runGateway(settings);
      runUntilSignal('gateway', () => running.stop());
    });
}
