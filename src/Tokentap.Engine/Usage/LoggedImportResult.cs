// The outcome of offering events read from agent logs to the store: added, already seen live (and linked to their
// conversation), duplicates, and the logs' figures against the proxy's on the requests both saw.
namespace Tokentap.Engine.Usage;

/// <summary>Counts of one reconciled batch; the Log*/Proxy* sums cover the <see cref="Matched"/> pairs only.</summary>
public sealed record LoggedImportResult
{
    public long Added { get; init; }

    public long AlreadyLive { get; init; }

    public long Duplicates { get; init; }

    /// <summary>Live events among <see cref="AlreadyLive"/> that got the log's conversation link written onto them.</summary>
    public long Linked { get; init; }

    public long Matched { get; init; }

    public long LogInput { get; init; }

    public long ProxyInput { get; init; }

    public long LogOutput { get; init; }

    public long ProxyOutput { get; init; }

    public long LogCache { get; init; }

    public long ProxyCache { get; init; }
}
