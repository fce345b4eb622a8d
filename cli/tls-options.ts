import { Option, type Command } from 'commander';

/**
 * `--tls-cert/--tls-key/--tls-ca` (and, for a gRPC server, `--access-policy`): mutual TLS on
 * every gRPC link, and HTTPS at the gateway. All three files or none; none is plaintext.
 */
export function withTlsOptions(command: Command, role: { readonly server: boolean }): Command {
  command
    .addOption(new Option('--tls-cert <file>', "PEM certificate this process presents (server and client); with --tls-key and --tls-ca turns on mutual TLS").env('TWOPHASE_TLS_CERT'))
    .addOption(new Option('--tls-key <file>', 'PEM private key of --tls-cert').env('TWOPHASE_TLS_KEY'))
    .addOption(new Option('--tls-ca <file>', 'PEM certificate(s) of the CA that issues the certificates of the peers').env('TWOPHASE_TLS_CA'));
  if (role.server) {
    command.addOption(
      new Option('--access-policy <file>', 'JSON file naming, by certificate SAN, the coordinator, the participants (by id), the clients and the admins (required with TLS; see README, Security)').env(
        'TWOPHASE_ACCESS_POLICY',
      ),
    );
  }
  return command;
}
