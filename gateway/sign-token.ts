import { SignJWT } from 'jose';

/**
 * An HS256 token the gateway verifies with the secret of `--jwt-secret-file` (given as the
 * file's text: one trailing newline is dropped, as the gateway drops it).
 */
export async function signToken(
  secretFileText: string,
  claims: { readonly read: readonly string[]; readonly write: readonly string[]; readonly subject: string; readonly expiresIn: string; readonly issuer?: string; readonly audience?: string },
): Promise<string> {
  const secret = Buffer.from(secretFileText.replace(/\r?\n$/, ''), 'utf8');
  let jwt = new SignJWT({ namespaces: { read: [...claims.read], write: [...claims.write] } })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.subject)
    .setIssuedAt()
    .setExpirationTime(claims.expiresIn);
  if (claims.issuer !== undefined) jwt = jwt.setIssuer(claims.issuer);
  if (claims.audience !== undefined) jwt = jwt.setAudience(claims.audience);
  return jwt.sign(secret);
}
