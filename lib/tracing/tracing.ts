import { context, propagation, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
/** The package version the spans carry (service.version). */
const version = '0.1.0';

/**
 * OpenTelemetry traces, off and costless by default: the code calls the API only when
 * `tracingOn()` says an SDK was started, so with none a call costs one boolean test. It is
 * started from the standard variables (startTracing): OTEL_TRACES_EXPORTER=otlp, or an
 * OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, turns it on;
 * OTEL_SDK_DISABLED=true keeps it off. The W3C `traceparent` of the caller's span goes with
 * each call (in each Link call, as its `traceparent` field; see LinkClient and linkHandler).
 */
let on = false;

export function tracingOn(): boolean {
  return on;
}

/** For tests that install a tracer provider of their own (an in-memory exporter). */
export function setTracingOn(value: boolean): void {
  on = value;
}

const tracer = () => trace.getTracer('twophase', version);

/** Whether the OTEL_* environment asks for traces (see the module comment). */
export function tracingConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  if ((env.OTEL_SDK_DISABLED ?? '').toLowerCase() === 'true') return false;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '').split(',').map((e) => e.trim().toLowerCase());
  if (exporters.includes('none')) return false;
  return exporters.includes('otlp') || exporters.includes('console') || Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT) || Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/**
 * Starts the SDK when the environment asks for traces (tracingConfigured): a Node tracer
 * provider (AsyncLocalStorage context, W3C trace context propagation, the sampler of
 * OTEL_TRACES_SAMPLER), a batch span processor (OTEL_BSP_*) and the OTLP/HTTP exporter
 * (OTEL_EXPORTER_OTLP_*: endpoint, headers, protocol http/protobuf or http/json), or the
 * console exporter for OTEL_TRACES_EXPORTER=console. The service name is OTEL_SERVICE_NAME,
 * or `twophase-<service>`. The SDK is loaded only then. Returns the call that flushes and
 * stops it.
 */
export async function startTracing(service: string, env: NodeJS.ProcessEnv = process.env): Promise<() => Promise<void>> {
  if (!tracingConfigured(env)) return async () => undefined;
  const [{ NodeTracerProvider, BatchSpanProcessor, ConsoleSpanExporter }, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  const toConsole = (env.OTEL_TRACES_EXPORTER ?? '').split(',').map((e) => e.trim().toLowerCase()).includes('console');
  const exporter = toConsole ? new ConsoleSpanExporter() : new OTLPTraceExporter();
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME ?? `twophase-${service}`, 'service.version': version }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  provider.register();
  on = true;
  return async () => {
    on = false;
    await provider.shutdown();
  };
}

/** The W3C traceparent of the active span, or '' (tracing off, or no span). */
export function activeTraceparent(): string {
  if (!on) return '';
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ?? '';
}

/** Runs `work` in a new span, ended (with its error, if any) when `work` settles; `work` alone when tracing is off. */
export function inSpan<T>(name: string, options: { kind?: SpanKind; parent?: string; attributes?: Record<string, string | number> }, work: (span: Span | undefined) => Promise<T>): Promise<T> {
  if (!on) return work(undefined);
  const parent: Context = options.parent === undefined || options.parent === '' ? context.active() : propagation.extract(context.active(), { traceparent: options.parent });
  return tracer().startActiveSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, ...(options.attributes === undefined ? {} : { attributes: options.attributes }) }, parent, async (span) => {
    try {
      return await work(span);
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
      throw err;
    } finally {
      span.end();
    }
  });
}

/**
 * A server span for an incoming request whose headers may carry a W3C traceparent (HTTP),
 * and the context that makes it the parent of what the request does; undefined when
 * tracing is off. The caller ends the span.
 */
export function startServerSpan(name: string, headers: Readonly<Record<string, string | string[] | undefined>>, attributes: Record<string, string | number>): { span: Span; context: Context } | undefined {
  if (!on) return undefined;
  const parent = propagation.extract(context.active(), headers);
  const span = tracer().startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
  return { span, context: trace.setSpan(parent, span) };
}

/** Runs `fn` in `ctx` (from startServerSpan). */
export function withContext<T>(ctx: Context, fn: () => T): T {
  return context.with(ctx, fn);
}

export { SpanKind };
