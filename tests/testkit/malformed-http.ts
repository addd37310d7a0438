/**
 * Malformed HTTP requests, written byte by byte on a raw socket (fetch would refuse
 * to send most of them): what a broken client, a fuzzer or an attacker sends. Each
 * kind says what a service must do with it — answer 4xx, or (for a request the
 * client abandons) nothing, and stay up. Used by the hardening test and `pnpm soak`.
 */
import { connect } from 'node:net';

export interface MalformedOutcome {
  kind: string;
  /** HTTP status answered, or undefined when the connection closed without an answer. */
  status: number | undefined;
}

const CRLF = '\r\n';
const jsonHeaders = (length: number, extra = '') =>
  `POST /graphql HTTP/1.1${CRLF}host: localhost${CRLF}content-type: application/json${CRLF}content-length: ${length}${CRLF}${extra}connection: close${CRLF}${CRLF}`;

function post(body: Buffer | string, extraHeaders = ''): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  return Buffer.concat([Buffer.from(jsonHeaders(bytes.length, extraHeaders)), bytes]);
}

/** Each kind: the bytes to send, and whether the client stops mid-request (no answer expected). */
export const MALFORMED_KINDS: Record<string, () => { bytes: Buffer; abandon?: boolean }> = {
  'bad JSON': () => ({ bytes: post('{"query": "{ __typename }"') }),
  'JSON that is not an object': () => ({ bytes: post('[1, 2, 3]') }),
  'query that is not a string': () => ({ bytes: post('{"query": 42}') }),
  'GraphQL syntax error': () => ({ bytes: post('{"query": "{ missionReport( "}') }),
  'variables that are not an object': () => ({ bytes: post('{"query": "{ __typename }", "variables": "x"}') }),
  'wrong content type': () => ({
    bytes: Buffer.from(`POST /graphql HTTP/1.1${CRLF}host: localhost${CRLF}content-type: text/plain${CRLF}content-length: 20${CRLF}connection: close${CRLF}${CRLF}{ __typename } xxxxx`),
  }),
  'form-encoded body': () => ({
    bytes: Buffer.from(
      `POST /graphql HTTP/1.1${CRLF}host: localhost${CRLF}content-type: application/x-www-form-urlencoded${CRLF}content-length: 22${CRLF}connection: close${CRLF}${CRLF}query=%7B__typename%7D`,
    ),
  }),
  'invalid UTF-8': () => ({ bytes: post(Buffer.concat([Buffer.from('{"query": "{ __typename '), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from(' }"}')])) }),
  'huge header': () => ({ bytes: Buffer.from(`GET /graphql HTTP/1.1${CRLF}host: localhost${CRLF}x-padding: ${'a'.repeat(40_000)}${CRLF}${CRLF}`) }),
  'many headers': () => ({
    bytes: Buffer.from(
      `GET /health/live HTTP/1.1${CRLF}host: localhost${CRLF}${Array.from({ length: 3000 }, (_, i) => `x-h${i}: v`).join(CRLF)}${CRLF}${CRLF}`,
    ),
  }),
  'broken request line': () => ({ bytes: Buffer.from(`GARBAGE\u0000 / HTTP/9.9${CRLF}${CRLF}`) }),
  'header with a control character': () => ({ bytes: Buffer.from(`GET /health/live HTTP/1.1${CRLF}host: local\u0001host${CRLF}${CRLF}`) }),
  'invalid chunked encoding': () => ({
    bytes: Buffer.from(`POST /graphql HTTP/1.1${CRLF}host: localhost${CRLF}content-type: application/json${CRLF}transfer-encoding: chunked${CRLF}${CRLF}zz${CRLF}{}${CRLF}0${CRLF}${CRLF}`),
  }),
  'both content-length and chunked': () => ({
    bytes: Buffer.from(
      `POST /graphql HTTP/1.1${CRLF}host: localhost${CRLF}content-type: application/json${CRLF}content-length: 4${CRLF}transfer-encoding: chunked${CRLF}${CRLF}2${CRLF}{}${CRLF}0${CRLF}${CRLF}`,
    ),
  }),
  'body over the size limit': () => ({ bytes: post(`{"query": "{ __typename }", "pad": "${'x'.repeat(1_100_000)}"}`) }),
  'declared length over the limit': () => ({ bytes: Buffer.from(jsonHeaders(50_000_000)), abandon: true }),
  'unknown path': () => ({ bytes: Buffer.from(`GET /wp-admin/../../etc/passwd HTTP/1.1${CRLF}host: localhost${CRLF}connection: close${CRLF}${CRLF}`) }),
  'unsupported method': () => ({ bytes: Buffer.from(`PUT /graphql HTTP/1.1${CRLF}host: localhost${CRLF}content-length: 2${CRLF}connection: close${CRLF}${CRLF}{}`) }),
  'GET without a query': () => ({ bytes: Buffer.from(`GET /graphql HTTP/1.1${CRLF}host: localhost${CRLF}connection: close${CRLF}${CRLF}`) }),
  'truncated body, client gone': () => ({ bytes: Buffer.from(jsonHeaders(500) + '{"query": "{ __ty'), abandon: true }),
  'empty JSON body': () => ({ bytes: post('') }),
  'null bytes in the query': () => ({ bytes: post('{"query": "{ __typename\\u0000 }"}') }),
  'deeply nested JSON': () => ({ bytes: post(`{"query": "{ __typename }", "variables": ${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`) }),
};

/** Sends one malformed request and reads the status line of the answer, if any. */
export function sendMalformed(port: number, kind: string, host = '127.0.0.1'): Promise<MalformedOutcome> {
  const { bytes, abandon } = MALFORMED_KINDS[kind]!();
  return new Promise((resolve, reject) => {
    const socket = connect(port, host);
    let answer = '';
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      socket.destroy();
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(answer);
      resolve({ kind, status: match ? Number(match[1]) : undefined });
    };
    socket.on('connect', () => {
      socket.write(bytes, () => {
        // A client that gives up mid-request: close once the bytes are out.
        if (abandon) setImmediate(finish);
      });
    });
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      answer += chunk;
      if (/\r\n\r\n/.test(answer)) finish();
    });
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // The server may reset a connection it refused while the client is still writing.
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') finish();
      else if (!finished) reject(error);
    });
  });
}
