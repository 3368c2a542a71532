// One row of a live breakdown (a provider, app, project or session over the window) with its trend.
namespace Tokentap.Engine.Live;

/// <summary>The totals of one provider, app, project or client session over the live window.</summary>
public sealed record LiveGroupRow
{
    /// <summary>The provider, app, project or session the row adds up.</summary>
    public required string Key { get; init; }

    public long Requests { get; init; }

    public long Errors { get; init; }

    public long InputTokens { get; init; }

    public long CacheReadTokens { get; init; }

    public long CacheWriteTokens { get; init; }

    public long OutputTokens { get; init; }

    public long TotalTokens => InputTokens + CacheReadTokens + CacheWriteTokens + OutputTokens;

    /// <summary>Sum of the known costs in US dollars.</summary>
    public decimal Cost { get; init; }

    /// <summary>Requests whose price is unknown (not in <see cref="Cost"/>).</summary>
    public long UnpricedRequests { get; init; }

    /// <summary>Requests whose token numbers were estimated.</summary>
    public long EstimatedRequests { get; init; }

    /// <summary>Cache read / (input + cache read + cache write); 0 without input.</summary>
    public double CacheHitRatio => InputTokens + CacheReadTokens + CacheWriteTokens is var prompt and > 0 ? (double)CacheReadTokens / prompt : 0;

    /// <summary>Cost per step of the window, oldest first (tokens per step when nothing had a price).</summary>
    public IReadOnlyList<double> Trend { get; init; } = [];

    /// <summary>When the newest request of the row started, in UTC.</summary>
    public DateTime LastRequest { get; init; }

    /// <summary>The app of the newest request (shown for sessions).</summary>
    public string? App { get; init; }

    /// <summary>The model of the newest request (shown for sessions).</summary>
    public string? Model { get; init; }
}
