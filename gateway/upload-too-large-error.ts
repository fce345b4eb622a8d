/** The request body is larger than the gateway's upload limit. → 413 */
export class UploadTooLargeError extends Error {
  override readonly name = 'UploadTooLargeError';
  constructor(readonly limitBytes: number) {
    super(`the upload exceeds the limit of ${limitBytes} bytes`);
  }
}
