// Exports each log record synchronously through the SDK's OTLP exporter, keeping the result and the event's own time.
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Tokentap.Engine.Export;

/// <summary>
/// Like the SDK's simple processor (export on the thread that logged, one record at a time), but it keeps the
/// exporter's result (<see cref="LastResult"/>) so the worker advances its position only after the collector accepted
/// the record, and it stamps the record with its event's time. The exporter gets the provider (and so the resource)
/// from this processor as usual.
/// </summary>
internal sealed class ResultCapturingLogProcessor : BaseExportProcessor<LogRecord>
{
    private readonly object _exportGate = new();

    public ResultCapturingLogProcessor(BaseExporter<LogRecord> exporter)
        : base(exporter)
    {
    }

    /// <summary>The result of the last export; Failure until one succeeded.</summary>
    public ExportResult LastResult { get; private set; } = ExportResult.Failure;

    /// <summary>The time the next record is given (the event's own, not the time it was exported).</summary>
    public DateTime NextTimestamp { get; set; }

    protected override void OnExport(LogRecord data)
    {
        lock (_exportGate)
        {
            data.Timestamp = NextTimestamp;
            LastResult = ExportResult.Failure;
            try
            {
                LastResult = exporter.Export(new Batch<LogRecord>([data], 1));
            }
            catch (Exception)
            {
                // The exporter reports failures as results; anything it throws is a failed export all the same.
                LastResult = ExportResult.Failure;
            }
        }
    }
}
