import { Command, Option } from 'commander';
import { parseSettings } from '../lib/config/parse-settings.js';
import { gatewaySettingNames, gatewaySettingsSchema } from '../gateway/gateway-settings.js';
import { runUntilSignal } from './run-until-signal.js';
import { limits } from '../lib/limits/limits.js';

export function gatewayCommand(): Command {
  return new Command('gateway')
    .description('Run the HTTP upload gateway: PUT/GET/HEAD/DELETE /v1/files/{namespace}/{path}, each write one atomic transaction.')
    .addOption(new Option('--listen <host:port>', 'HTTP address to serve').env('TWOPHASE_HTTP_LISTEN').default('127.0.0.1:8080'))
    .addOption(new Option('--coordinator <host:port>', 'gRPC address of the coordinator').env('TWOPHASE_COORDINATOR').default('127.0.0.1:7070'))
    .addOption(new Option('--max-upload-bytes <n>', 'largest accepted upload (413 above)').env('TWOPHASE_MAX_UPLOAD_BYTES').default(String(limits.gatewayUploadBytesDefault)))
    .addOption(new Option('--call-timeout-ms <ms>', 'deadline of each gRPC call to the services').env('TWOPHASE_CALL_TIMEOUT_MS').default(String(limits.sdkCallTimeoutMsDefault)))
    .addOption(new Option('--metrics-listen <host:port>', 'serve Prometheus metrics at http://HOST:PORT/metrics (off by default)').env('TWOPHASE_METRICS_LISTEN'))
    .addOption(new Option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent').env('TWOPHASE_LOG_LEVEL').default('info'))
    .action(async (opts: Record<string, unknown>) => {
      const settings = parseSettings(gatewaySettingsSchema, opts, gatewaySettingNames);
      const { runGateway } = await import('../gateway/main.js');
      const running = await runGateway(settings);
      runUntilSignal('gateway', () => running.stop());
    });
}
