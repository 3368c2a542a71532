// Wraps the SDK's OTLP log exporter to keep the result of each export and to stamp each record with its event's time.
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Tokentap.Engine.Export;

/// <summary>
/// The SDK's simple processor calls this synchronously on the thread that logged and drops the result; this keeps
/// it (<see cref="LastResult"/>) so the worker advances its position only after the collector accepted the record.
/// </summary>
internal sealed class ResultCapturingLogExporter : BaseExporter<LogRecord>
{
    private readonly BaseExporter<LogRecord> _inner;

    public ResultCapturingLogExporter(BaseExporter<LogRecord> inner) => _inner = inner;

    /// <summary>The result of the last export; Failure until one succeeded.</summary>
    public ExportResult LastResult { get; private set; } = ExportResult.Failure;

    /// <summary>The time the next record is given (the event's own, not the time it was exported).</summary>
    public DateTime NextTimestamp { get; set; }

    public override ExportResult Export(in Batch<LogRecord> batch)
    {
        foreach (var record in batch)
        {
            record.Timestamp = NextTimestamp;
        }

        LastResult = ExportResult.Failure;
        LastResult = _inner.Export(batch);
        return LastResult;
    }

    protected override bool OnShutdown(int timeoutMilliseconds) => _inner.Shutdown(timeoutMilliseconds);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
