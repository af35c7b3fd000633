// Package tracing turns OpenTelemetry tracing on for a binary when an OTLP
// endpoint is configured, and off (the library's no-op provider, no cost
// beyond an interface call) when it is not. Spans are started with the
// global tracer provider, the way OpenTelemetry intends instrumented code to
// find it; only a binary's run function installs one. Log lines written with
// a context that carries a span get its trace and span ids (LogHandler).
package tracing

import (
	"context"
	"errors"
	"fmt"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// Start installs a batching OTLP/HTTP exporter for service when endpoint is
// set (the value of OTEL_EXPORTER_OTLP_ENDPOINT; the exporter reads the rest
// of the standard OTEL_* variables itself) and returns the function that
// flushes and stops it. With no endpoint it installs nothing and the
// returned function does nothing.
func Start(ctx context.Context, service, endpoint string) (func(context.Context) error, error) {
	if endpoint == "" {
		return func(context.Context) error { return nil }, nil
	}
	exp, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("start OTLP trace exporter: %w", err)
	}
	res, err := resource.Merge(resource.Default(), resource.NewSchemaless(attribute.String("service.name", service)))
	if err != nil && !errors.Is(err, resource.ErrPartialResource) {
		return nil, fmt.Errorf("trace resource: %w", err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	return tp.Shutdown, nil
}

// Tracer returns the named tracer of the installed provider (a no-op one
// when tracing is off).
func Tracer(name string) trace.Tracer { return otel.Tracer(name) }
