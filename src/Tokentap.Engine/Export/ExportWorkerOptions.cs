// Timings of the export worker (tests shorten them).
namespace Tokentap.Engine.Export;

/// <summary>How often the worker looks for new events and settings, how it backs off, how much it reads at once.</summary>
public sealed record ExportWorkerOptions
{
    /// <summary>How long the worker waits when there is nothing to send (or export is off).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The first wait after a failed export; doubled after each further failure.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between attempts while the collector is down.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Events read from the store at once.</summary>
    public int PageSize { get; init; } = 200;

    /// <summary>How often the metrics are exported.</summary>
    public TimeSpan MetricInterval { get; init; } = TimeSpan.FromSeconds(10);
}
