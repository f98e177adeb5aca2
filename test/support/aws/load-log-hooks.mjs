// Module hooks that write every module URL resolved under src/ to the file named by
// S3FUNC_LOAD_LOG: how a test sees which of the library's modules a process loaded.
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  const log = process.env.S3FUNC_LOAD_LOG;
  if (log && result.url.includes('/src/')) appendFileSync(log, `${result.url}\n`);
  return result;
}
