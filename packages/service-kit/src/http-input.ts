import type { IncomingMessage } from 'node:http';

/**
 * A request body the service refuses, with the 4xx it answers. `status` 0: the client
 * went away before the body ended (nothing to answer, nothing to log as an error).
 */
export class RequestBodyError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads the whole body: at most `limit` bytes (413 beyond), valid UTF-8 only (400 —
 * a lenient decoder would turn bytes into U+FFFD and pass a different text on).
 */
export async function readRequestBody(request: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    throw new RequestBodyError(413, 'PAYLOAD_TOO_LARGE', `Request body exceeds ${limit} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > limit) throw new RequestBodyError(413, 'PAYLOAD_TOO_LARGE', `Request body exceeds ${limit} bytes`);
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof RequestBodyError) throw error;
    // ECONNRESET / "aborted": the client closed the connection before the body ended.
    throw new RequestBodyError(0, 'CLIENT_CLOSED_REQUEST', 'The request body was not completed');
  }
  if (!request.complete) throw new RequestBodyError(0, 'CLIENT_CLOSED_REQUEST', 'The request body was not completed');
  try {
    return strictUtf8.decode(Buffer.concat(chunks));
  } catch {
    throw new RequestBodyError(400, 'BAD_REQUEST', 'Request body is not valid UTF-8');
  }
}
