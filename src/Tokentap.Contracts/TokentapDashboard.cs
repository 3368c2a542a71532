// The local web dashboard as Show-TokenUsageDashboard -PassThru reports it: where it listens and how to open it.
namespace Tokentap;

/// <summary>
/// A dashboard server running in this process on loopback. <see cref="Url"/> carries the per-start access token; the
/// browser exchanges it for a cookie on first use, so treat the URL like a password while the dashboard runs.
/// </summary>
public sealed class TokentapDashboard
{
    /// <summary>The address to open, with the access token (http://127.0.0.1:PORT/?token=...).</summary>
    public string Url { get; init; } = "";

    /// <summary>The loopback port the dashboard listens on.</summary>
    public int Port { get; init; }

    /// <summary>The data folder whose usage the dashboard shows.</summary>
    public string Home { get; init; } = "";

    /// <summary>When the dashboard started (local time).</summary>
    public DateTime StartTime { get; init; }

    /// <summary>The last failure inside the dashboard server (a request it could not answer), or null.</summary>
    public string? LastFailure { get; init; }
}
