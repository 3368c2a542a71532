// Settings of the usage observer: memory bounds, the include_usage rewrite, the estimator and the clock.
using Tokentap.Engine.Tokenizing;

namespace Tokentap.Engine.Providers;

/// <summary>Options for <see cref="UsageObserver"/>; the defaults suit the proxy.</summary>
public sealed class UsageObserverOptions
{
    /// <summary>Largest request body kept (copied) for estimating input when a stream is cut; larger ones are estimated from their size.</summary>
    public int MaxRequestBodyBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Largest single SSE event, WebSocket message or JSON body parsed; larger ones are skipped with an error.</summary>
    public int MaxPayloadBytes { get; init; } = 64 * 1024 * 1024;

    /// <summary>Most generated characters kept per response for output estimation.</summary>
    public int MaxStreamedTextChars { get; init; } = 4 * 1024 * 1024;

    /// <summary>Add stream_options.include_usage to streaming Chat Completions requests that lack it (see docs/providers.md).</summary>
    public bool AddStreamUsage { get; init; } = true;

    /// <summary>The tokenizer used for estimates.</summary>
    public TokenEstimator Estimator { get; init; } = TokenEstimator.Shared;

    /// <summary>The clock for WebSocket turn timings.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
