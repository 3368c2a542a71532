// Reconciles events read from agent logs with what the proxy captured live, before they are written.
namespace Tokentap.Engine.Usage;

/// <summary>
/// A logged call the proxy also saw is the same call: it is matched by request id, else by message/response id,
/// else (for logs that name no id, like Gemini CLI's) by a fingerprint: same provider and model, the same input, cache
/// read and output figures, within <see cref="Window"/>. The proxy's event stays and the logged one is not added; the
/// pair's figures are summed for the logs-against-proxy comparison. Each live event matches at most one logged call.
/// The proxy does not know conversations: each match where the log names one gives a <see cref="UsageLink"/> for the
/// live event (none when the event already carries it, so a re-import links nothing).
/// </summary>
internal static class UsageReconciler
{
    /// <summary>How far a live event's time (request start) may be from the log's time of the same call.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(30);

    private readonly record struct Fingerprint(string? Provider, string? Model, long Input, long CacheRead, long Output);

    public static (List<UsageEvent> Unmatched, List<UsageLink> Links, LoggedImportResult Counts) Split(UsageScanner scanner, IReadOnlyList<UsageEvent> logged)
    {
        if (logged.Count == 0)
        {
            return ([], [], new LoggedImportResult());
        }

        // Only the hours around the logged calls are read (a batch may hold sessions from days weeks apart).
        var hours = new SortedSet<long>();
        foreach (var e in logged)
        {
            var ticks = UsageKeys.UtcTicks(e.Timestamp);
            var last = UsageKeys.HourOf(Math.Min(DateTime.MaxValue.Ticks, ticks + Window.Ticks));
            for (var hour = UsageKeys.HourOf(Math.Max(0, ticks - Window.Ticks)); hour <= last; hour++)
            {
                hours.Add(hour);
            }
        }

        var matcher = new UsageFilterMatcher(new UsageFilter { Source = [UsageSource.Proxy] });
        var byRequest = new Dictionary<string, UsageEvent>(StringComparer.Ordinal);
        var byMessage = new Dictionary<string, UsageEvent>(StringComparer.Ordinal);
        var byFingerprint = new Dictionary<Fingerprint, List<UsageEvent>>();
        foreach (var (_, live) in scanner.Scan(UsageScanner.ToRanges(hours, 0, DateTime.MaxValue.Ticks), matcher, descending: false))
        {
            if (!string.IsNullOrEmpty(live.RequestId))
            {
                byRequest.TryAdd(live.RequestId, live);
            }

            if (!string.IsNullOrEmpty(live.MessageId))
            {
                byMessage.TryAdd(live.MessageId, live);
            }

            var key = FingerprintOf(live);
            if (!byFingerprint.TryGetValue(key, out var list))
            {
                byFingerprint[key] = list = [];
            }

            list.Add(live);
        }

        var used = new HashSet<Guid>();
        var unmatched = new List<UsageEvent>(logged.Count);
        var links = new List<UsageLink>();
        long matched = 0, logInput = 0, proxyInput = 0, logOutput = 0, proxyOutput = 0, logCache = 0, proxyCache = 0;
        foreach (var e in logged)
        {
            var live = Find(e, byRequest, byMessage, byFingerprint, used);
            if (live is null)
            {
                unmatched.Add(e);
                continue;
            }

            used.Add(live.Id);
            if (UsageLink.Between(live, e) is { } link)
            {
                links.Add(link);
            }

            matched++;
            logInput += e.InputTokens;
            proxyInput += live.InputTokens;
            logOutput += e.OutputTokens;
            proxyOutput += live.OutputTokens;
            logCache += e.CacheReadTokens + e.CacheWriteTokens;
            proxyCache += live.CacheReadTokens + live.CacheWriteTokens;
        }

        return (unmatched, links, new LoggedImportResult
        {
            AlreadyLive = matched,
            Linked = links.Count,
            Matched = matched,
            LogInput = logInput,
            ProxyInput = proxyInput,
            LogOutput = logOutput,
            ProxyOutput = proxyOutput,
            LogCache = logCache,
            ProxyCache = proxyCache,
        });
    }

    private static UsageEvent? Find(UsageEvent e, Dictionary<string, UsageEvent> byRequest, Dictionary<string, UsageEvent> byMessage, Dictionary<Fingerprint, List<UsageEvent>> byFingerprint, HashSet<Guid> used)
    {
        if (!string.IsNullOrEmpty(e.RequestId) && byRequest.TryGetValue(e.RequestId, out var live) && !used.Contains(live.Id))
        {
            return live;
        }

        if (!string.IsNullOrEmpty(e.MessageId) && byMessage.TryGetValue(e.MessageId, out live) && !used.Contains(live.Id))
        {
            return live;
        }

        if (!string.IsNullOrEmpty(e.RequestId) || !string.IsNullOrEmpty(e.MessageId))
        {
            // The log names the call: no id match means the proxy did not see it.
            return null;
        }

        if (!byFingerprint.TryGetValue(FingerprintOf(e), out var candidates))
        {
            return null;
        }

        var ticks = UsageKeys.UtcTicks(e.Timestamp);
        return candidates
            .Where(c => !used.Contains(c.Id) && Math.Abs(UsageKeys.UtcTicks(c.Timestamp) - ticks) <= Window.Ticks)
            .MinBy(c => Math.Abs(UsageKeys.UtcTicks(c.Timestamp) - ticks));
    }

    private static Fingerprint FingerprintOf(UsageEvent e) => new(e.Provider, e.Model, e.InputTokens, e.CacheReadTokens, e.OutputTokens);
}
