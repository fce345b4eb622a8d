/** A setting is missing or invalid. The message names the flag and the environment variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly setting: string,
  ) {
    super(message);
  }
}
