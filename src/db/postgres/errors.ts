/** Network failures on the way to the server, as Node reports them. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * What a PostgreSQL failure means for whoever runs ainews, or null when it is not the storage failing (a
 * constraint broken, a statement PostgreSQL rejects: bugs, which keep their stack). The server's errors carry
 * a SQLSTATE code and a severity (pg's DatabaseError); a connection that breaks is a plain Error.
 */
export function describePostgresError(error: unknown, where: string): string | null {
  if (!error || typeof error !== 'object') return null;
  const { code, message } = error as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : '';
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && 'severity' in error) {
    const group = code.slice(0, 2);
    if (group === '08' || code === '57P01' || code === '57P02' || code === '57P03') {
      return `lost the connection to the PostgreSQL database ${where} (${text}); what failed is tried again`;
    }
    if (code === '40001' || code === '40P01' || code === '55P03') {
      return `the PostgreSQL database ${where} gave up a transaction that met another's (${text}); it is tried again`;
    }
    if (group === '53') return `the PostgreSQL server of ${where} is out of resources (${text}): check its disk, memory and max_connections`;
    if (code === '25006') return `the PostgreSQL database ${where} is read-only: point AINEWS_DB at the primary, not a standby`;
    if (group === '28') return `the PostgreSQL server refused the login to ${where} (${text}): check the user and password in AINEWS_DB`;
    if (code === '3D000') return `there is no PostgreSQL database ${where}: create it (createdb), or fix AINEWS_DB`;
    return null;
  }
  if (typeof code === 'string' && UNREACHABLE.has(code)) return `cannot reach the PostgreSQL server of ${where} (${code}); what failed is tried again`;
  if (/^Connection terminated|^timeout exceeded when trying to connect|^Client has encountered a connection error/.test(text)) {
    return `lost the connection to the PostgreSQL database ${where} (${text}); what failed is tried again`;
  }
  return null;
}
