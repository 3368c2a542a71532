// What a parser learned about one billed response (or one WebSocket turn), already normalized.
namespace Tokentap.Engine.Providers;

/// <summary>
/// Normalized usage of one response: <see cref="InputTokens"/> is uncached input only, <see cref="OutputTokens"/>
/// includes reasoning. <see cref="InputKnown"/> and <see cref="OutputKnown"/> say whether the provider's final numbers
/// arrived; what is not known is estimated at completion.
/// </summary>
internal sealed class UsageReport
{
    public UsageReport(int maxTextChars) => Text = new StreamedText(maxTextChars);

    public string? Model { get; set; }

    public string? MessageId { get; set; }

    public string? StopReason { get; set; }

    /// <summary>The first problem met (provider error message, malformed JSON, ...).</summary>
    public string? Error { get; private set; }

    public long InputTokens { get; set; }

    public long CacheReadTokens { get; set; }

    public long CacheWriteTokens { get; set; }

    public long CacheWrite1hTokens { get; set; }

    public long OutputTokens { get; set; }

    public long ReasoningTokens { get; set; }

    /// <summary>The provider's input numbers arrived.</summary>
    public bool InputKnown { get; set; }

    /// <summary>The provider's final output number arrived.</summary>
    public bool OutputKnown { get; set; }

    /// <summary>The cost the provider itself reported (OpenRouter's usage.cost), in USD.</summary>
    public decimal? ReportedCost { get; set; }

    /// <summary>The response ended properly (the provider's last event or a complete JSON body).</summary>
    public bool Finished { get; set; }

    /// <summary>Generated text, kept only for estimation.</summary>
    public StreamedText Text { get; }

    /// <summary>For a WebSocket turn: when its request message was sent.</summary>
    public DateTime? StartedUtc { get; set; }

    /// <summary>For a WebSocket turn: the stopwatch time of its request message.</summary>
    public long StartedTimestamp { get; set; }

    /// <summary>For a WebSocket turn: milliseconds from its request to its first server message.</summary>
    public double? TimeToFirstByteMs { get; set; }

    /// <summary>For a WebSocket turn: the model its request named.</summary>
    public string? RequestModel { get; set; }

    /// <summary>For a WebSocket turn: a bounded copy of its request message, for estimation.</summary>
    public byte[]? RequestBody { get; set; }

    /// <summary>Records a problem; the first one is kept.</summary>
    public void SetError(string message) => Error ??= message;
}
