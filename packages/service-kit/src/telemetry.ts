import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from './logger.js';

/**
 * OpenTelemetry traces. The SDK runs only when an OTLP endpoint is configured
 * (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, and
 * `OTEL_SDK_DISABLED` not `true`); otherwise every span below is the API's no-op and
 * costs next to nothing. W3C `traceparent`/`tracestate` are read from incoming
 * requests (http.ts starts the server span here, so it works the same under tsx, in
 * compiled JavaScript and in-process in tests) and written into outgoing subgraph
 * requests; fetch/undici and node:http clients are auto-instrumented; SQL statements
 * get spans from the kit's database client instrumentation (database-instrumentation.ts).
 */
export const tracer = trace.getTracer('mission-graph');

export interface Telemetry {
  shutdown(): Promise<void>;
}

export function telemetryConfigured(env: Record<string, string | undefined> = process.env): boolean {
  if (env.OTEL_SDK_DISABLED === 'true') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/**
 * Starts the SDK for this process (entry points only; tests register their own
 * provider). Loaded on demand, so a process without tracing never loads the SDK.
 */
export async function startTelemetry(service: string, logger: Logger): Promise<Telemetry | undefined> {
  if (!telemetryConfigured()) return undefined;
  const [{ NodeSDK, resources }, { OTLPTraceExporter }, { HttpInstrumentation }, { UndiciInstrumentation }] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-undici'),
  ]);
  const sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME ?? service,
    resource: resources.resourceFromAttributes({ 'service.namespace': 'mission-graph' }),
    traceExporter: new OTLPTraceExporter(),
    instrumentations: [
      // Incoming requests get their server span in http.ts (see above); outgoing ones here.
      new HttpInstrumentation({ ignoreIncomingRequestHook: () => true }),
      new UndiciInstrumentation(),
    ],
  });
  sdk.start();
  logger.info({ endpoint: process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT }, 'tracing to OTLP');
  return { shutdown: () => sdk.shutdown() };
}

/**
 * Runs `handle` inside a server span continuing the caller's W3C trace context
 * (`traceparent`), so every span below — subgraph fetches, SQL — joins the caller's trace.
 */
export function withServerSpan<T>(
  name: string,
  headers: IncomingHttpHeaders,
  attributes: Record<string, string | number>,
  handle: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = propagation.extract(context.active(), headers);
  return tracer.startActiveSpan(name, { kind: SpanKind.SERVER, attributes }, parent, async (span) => {
    try {
      return await handle(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Writes the active trace context (`traceparent`, `tracestate`) into outgoing headers. */
export function injectTraceContext(set: (name: string, value: string) => void): void {
  propagation.inject(context.active(), undefined, { set: (_carrier, name, value) => set(name, value) });
}

/** The active trace id, for log lines (undefined when not tracing). */
export function activeTraceId(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && trace.isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

/**
 * Runs `work` inside an internal span of the active trace (a step of a request: the
 * gateway's authorization cut, an audit append). Synchronous or asynchronous alike; an
 * error marks the span and goes on. Attributes must never carry personal data.
 */
export function inSpan<T>(name: string, attributes: Attributes, work: (span: Span) => T): T {
  return tracer.startActiveSpan(name, { kind: SpanKind.INTERNAL, attributes }, (span) => {
    const failed = (error: unknown) => {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      throw error;
    };
    try {
      const result = work(span);
      if (result instanceof Promise) {
        return result.then((value: unknown) => {
          span.end();
          return value;
        }, failed) as T;
      }
      span.end();
      return result;
    } catch (error) {
      return failed(error);
    }
  });
}
