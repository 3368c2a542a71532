// History use cases of the facade: import what the agents logged, and add usage entered by hand or by script.
using Tokentap.Engine.History;

namespace Tokentap.Engine.Facade;

public sealed partial class TokentapEngine
{
    /// <summary>How long an import waits for live events still queued to reach the store before reconciling.</summary>
    private static readonly TimeSpan FlushBeforeImport = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Imports agent logs, one report per source as each finishes (lazily: nothing runs until enumerated). Sources
    /// default to every agent; paths default to each agent's own folders. Live events still queued are flushed first, so
    /// reconciliation sees every call the proxy captured. Cancellation stops between lines with checkpoints consistent.
    /// </summary>
    public IEnumerable<TokenUsageImportReport> ImportUsageHistory(
        IReadOnlyList<UsageSource>? sources,
        IReadOnlyList<string>? paths,
        bool whatIf,
        Action<TokenUsageImportProgress>? progress,
        CancellationToken cancellationToken) =>
        Classified(() => Import(sources, paths, whatIf, progress, cancellationToken));

    private IEnumerable<TokenUsageImportReport> Import(
        IReadOnlyList<UsageSource>? sources,
        IReadOnlyList<string>? paths,
        bool whatIf,
        Action<TokenUsageImportProgress>? progress,
        CancellationToken cancellationToken)
    {
        var readers = sources is { Count: > 0 } chosen
            ? chosen.Distinct().Select(HistoryImporter.ReaderFor).ToList()
            : HistoryImporter.Readers.ToList();
        Runtime.FlushAsync(cancellationToken).Wait(FlushBeforeImport, cancellationToken);
        var importer = new HistoryImporter(Runtime.Store, Runtime.Prices, Home);
        var options = new HistoryImportOptions { Paths = paths is { Count: > 0 } ? paths : null, WhatIf = whatIf, Progress = progress };
        foreach (var reader in readers)
        {
            var report = importer.Import(reader, options, cancellationToken);
            yield return report;
            if (report.Stopped)
            {
                yield break;
            }
        }
    }

    /// <summary>
    /// Adds usage entered by hand or by script as Source Manual: each event gets the id <see cref="ManualEventId"/> gives
    /// it, is priced when it has no cost, is not added when a live event has its request or message id, and is skipped
    /// when already stored. With <paramref name="whatIf"/> only counts. Store failures throw classified.
    /// </summary>
    public TokenUsageImportReport AddUsage(IReadOnlyList<UsageEvent> events, bool whatIf)
    {
        ArgumentNullException.ThrowIfNull(events);
        Runtime.FlushAsync().Wait(FlushBeforeImport);
        foreach (var usageEvent in events)
        {
            usageEvent.Source = UsageSource.Manual;
            usageEvent.Id = ManualEventId(usageEvent);
            usageEvent.Cost ??= Runtime.Prices.Cost(usageEvent);
        }

        var result = Store(store => store.ImportLogged(events, whatIf));
        return new TokenUsageImportReport
        {
            Source = UsageSource.Manual,
            WhatIf = whatIf,
            EventsFound = events.Count,
            Added = result.Added,
            AlreadyCapturedLive = result.AlreadyLive,
            DuplicatesSkipped = result.Duplicates,
            LiveEventsLinked = result.Linked,
            Estimated = events.Count(e => e.Estimated),
            MatchedRequests = result.Matched,
            LogInputTokens = result.LogInput,
            ProxyInputTokens = result.ProxyInput,
            LogOutputTokens = result.LogOutput,
            ProxyOutputTokens = result.ProxyOutput,
            LogCacheTokens = result.LogCache,
            ProxyCacheTokens = result.ProxyCache,
        };
    }

    /// <summary>
    /// The id a manual entry gets: from its request or message id when it has one, else from all its figures, so the
    /// same line of a bill added twice is stored once.
    /// </summary>
    private static Guid ManualEventId(UsageEvent usageEvent)
    {
        ArgumentNullException.ThrowIfNull(usageEvent);
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        return !string.IsNullOrEmpty(usageEvent.RequestId) || !string.IsNullOrEmpty(usageEvent.MessageId)
            ? LogEventIds.For(UsageSource.Manual, usageEvent.Provider, usageEvent.RequestId, usageEvent.MessageId)
            : LogEventIds.For(
                UsageSource.Manual,
                usageEvent.Timestamp.ToUniversalTime().ToString("O", inv),
                usageEvent.Provider,
                usageEvent.Model,
                usageEvent.App,
                usageEvent.Project,
                usageEvent.ConversationId,
                usageEvent.InputTokens.ToString(inv),
                usageEvent.CacheReadTokens.ToString(inv),
                usageEvent.CacheWriteTokens.ToString(inv),
                usageEvent.OutputTokens.ToString(inv),
                usageEvent.ReasoningTokens.ToString(inv),
                usageEvent.Cost?.ToString(inv));
    }
}
