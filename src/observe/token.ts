/**
 * The optional `--status-token`: `/status` and the page's data answer only requests that carry
 * it, as `Authorization: Bearer TOKEN` (switchboard status, curl) or as the password of HTTP Basic
 * authentication (a browser asks for it once and sends it with every request of the page).
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** What a 401 answer carries, so a browser shows its login prompt. */
export const TOKEN_CHALLENGE = 'Basic realm="switchboard", charset="UTF-8"';

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** The token an Authorization header offers (Bearer, or the password of Basic), if any. */
function offered(header: string): string | undefined {
  const m = /^(Bearer|Basic)\s+(\S+)\s*$/i.exec(header);
  if (!m?.[2]) return undefined;
  if (m[1]?.toLowerCase() === 'bearer') return m[2];
  const decoded = Buffer.from(m[2], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

/** Whether an Authorization header carries `token`; compared in constant time. */
export function carriesToken(header: string | undefined, token: string): boolean {
  const given = header === undefined ? undefined : offered(header);
  // Digests have one length, so the comparison takes the same time whatever was sent.
  return given !== undefined && timingSafeEqual(digest(given), digest(token));
}
