// Computes usage summaries from hourly rollups, reading raw events only where rollups cannot answer exactly.
namespace Tokentap.Engine.Usage;

/// <summary>
/// Whole UTC hours inside the filter range come from rollup rows. Raw events are read only for the partial hours at
/// the range edges and, when grouping by Day or Hour, for hours that do not map onto a single local hour of the time
/// zone (zones with a :30 or :45 offset, or an hour containing an offset change that is not on the hour).
/// </summary>
internal sealed class UsageSummarizer
{
    private readonly UsageScanner _scanner;

    public UsageSummarizer(UsageScanner scanner) => _scanner = scanner;

    private readonly record struct GroupKey(long Period, long Offset, string? Provider, string? Model, string? App, string? Session, string? Project, string? Conversation = null, int? Turn = null, long TurnStart = 0);

    public IReadOnlyList<UsageSummaryRow> Summarize(UsageFilter filter, IReadOnlyCollection<UsageGroupBy> groupBy, TimeZoneInfo zone)
    {
        var matcher = new UsageFilterMatcher(filter);
        var dimensions = new HashSet<UsageGroupBy>(groupBy);
        var byHour = dimensions.Contains(UsageGroupBy.Hour);
        var byTime = byHour || dimensions.Contains(UsageGroupBy.Day);
        var groups = new Dictionary<GroupKey, UsageTotals>();
        if (matcher.IsEmptyRange)
        {
            return [];
        }

        var since = matcher.SinceTicks;
        var until = matcher.UntilTicks;
        var firstFullHour = (since + TimeSpan.TicksPerHour - 1) / TimeSpan.TicksPerHour;
        var endFullHour = until / TimeSpan.TicksPerHour;
        var rawHours = new SortedSet<long>();
        var rawRanges = new List<TickRange>();
        // Rollup rows carry labels only: a source condition, or grouping by conversation or turn, reads the events.
        var byConversation = dimensions.Contains(UsageGroupBy.Conversation) || dimensions.Contains(UsageGroupBy.Turn);
        if (firstFullHour >= endFullHour || matcher.HasEventConditions || matcher.NeedsEvents || byConversation)
        {
            rawRanges.Add(new TickRange(since, until));
        }
        else
        {
            if (since < firstFullHour * TimeSpan.TicksPerHour)
            {
                rawRanges.Add(new TickRange(since, firstFullHour * TimeSpan.TicksPerHour));
            }

            var aligned = new Dictionary<long, bool>();
            foreach (var row in _scanner.ReadRollups(firstFullHour, endFullHour - 1))
            {
                if (!matcher.Matches(row))
                {
                    continue;
                }

                if (byTime && !IsAligned(row.HourNumber, zone, aligned))
                {
                    rawHours.Add(row.HourNumber);
                    continue;
                }

                var key = KeyOf(row.HourNumber * TimeSpan.TicksPerHour, row, dimensions, byTime, byHour, zone);
                Totals(groups, key).Add(row.Totals);
            }

            rawRanges.AddRange(UsageScanner.ToRanges(rawHours, since, until));
            if (endFullHour * TimeSpan.TicksPerHour < until)
            {
                rawRanges.Add(new TickRange(endFullHour * TimeSpan.TicksPerHour, until));
            }
        }

        rawRanges.Sort((a, b) => a.Start.CompareTo(b.Start));
        foreach (var (_, usageEvent) in _scanner.Scan(rawRanges, matcher, descending: false))
        {
            var row = UsageRollupDocument.For(usageEvent);
            var key = KeyOf(usageEvent.Timestamp.Ticks, row, dimensions, byTime, byHour, zone);
            if (byConversation)
            {
                key = WithConversation(key, usageEvent, dimensions.Contains(UsageGroupBy.Turn));
            }

            Totals(groups, key).Add(usageEvent);
        }

        return groups
            .OrderBy(g => g.Key.Period - g.Key.Offset).ThenBy(g => g.Key.Period)
            .ThenBy(g => g.Key.Provider, StringComparer.Ordinal).ThenBy(g => g.Key.Model, StringComparer.Ordinal)
            .ThenBy(g => g.Key.App, StringComparer.Ordinal).ThenBy(g => g.Key.Session, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Project, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Conversation, StringComparer.Ordinal).ThenBy(g => g.Key.Turn)
            .Select(g => ToRow(g.Key, g.Value, byTime, byHour, zone))
            .ToList();
    }

    private static GroupKey WithConversation(GroupKey key, UsageEvent e, bool byTurn) => key with
    {
        Conversation = e.ConversationId,
        Turn = byTurn ? e.TurnIndex : null,
        TurnStart = byTurn && e.TurnStart is { } start ? UsageKeys.UtcTicks(start) : 0,
    };

    /// <summary>Whether the UTC hour lies within one local hour of the zone (whole-hour offset, unchanged in the hour).</summary>
    private static bool IsAligned(long hour, TimeZoneInfo zone, Dictionary<long, bool> cache)
    {
        if (!cache.TryGetValue(hour, out var aligned))
        {
            var start = new DateTime(hour * TimeSpan.TicksPerHour, DateTimeKind.Utc);
            var startOffset = zone.GetUtcOffset(start);
            var endOffset = zone.GetUtcOffset(start.AddTicks(TimeSpan.TicksPerHour - 1));
            aligned = startOffset == endOffset && startOffset.Ticks % TimeSpan.TicksPerHour == 0;
            cache[hour] = aligned;
        }

        return aligned;
    }

    private static GroupKey KeyOf(long utcTicks, UsageRollupDocument labels, HashSet<UsageGroupBy> dimensions, bool byTime, bool byHour, TimeZoneInfo zone)
    {
        long period = 0, offset = 0;
        if (byTime)
        {
            offset = zone.GetUtcOffset(new DateTime(utcTicks, DateTimeKind.Utc)).Ticks;
            var local = utcTicks + offset;
            period = byHour ? local - local % TimeSpan.TicksPerHour : local - local % TimeSpan.TicksPerDay;
            if (!byHour)
            {
                offset = 0;
            }
        }

        return new GroupKey(
            period,
            offset,
            dimensions.Contains(UsageGroupBy.Provider) ? labels.ProviderName : null,
            dimensions.Contains(UsageGroupBy.Model) ? labels.ModelName : null,
            dimensions.Contains(UsageGroupBy.App) ? labels.AppName : null,
            dimensions.Contains(UsageGroupBy.Session) ? labels.SessionName : null,
            dimensions.Contains(UsageGroupBy.Project) ? labels.ProjectName : null);
    }

    private static UsageTotals Totals(Dictionary<GroupKey, UsageTotals> groups, GroupKey key)
    {
        if (!groups.TryGetValue(key, out var totals))
        {
            groups[key] = totals = new UsageTotals();
        }

        return totals;
    }

    private static UsageSummaryRow ToRow(GroupKey key, UsageTotals totals, bool byTime, bool byHour, TimeZoneInfo zone) => new()
    {
        Day = byTime ? new DateTime(key.Period - key.Period % TimeSpan.TicksPerDay, DateTimeKind.Unspecified) : null,
        Hour = byHour ? new DateTimeOffset(key.Period, TimeSpan.FromTicks(key.Offset)) : null,
        TimeZone = byTime ? zone.Id : null,
        Provider = key.Provider,
        Model = key.Model,
        App = key.App,
        Session = key.Session,
        Project = key.Project,
        Conversation = key.Conversation,
        Turn = key.Turn,
        TurnStart = key.TurnStart != 0 ? new DateTime(key.TurnStart, DateTimeKind.Utc) : null,
        Requests = totals.Requests,
        Errors = totals.Errors,
        InputTokens = totals.InputTokens,
        CacheReadTokens = totals.CacheReadTokens,
        CacheWriteTokens = totals.CacheWriteTokens,
        OutputTokens = totals.OutputTokens,
        ReasoningTokens = totals.ReasoningTokens,
        Cost = totals.Requests > totals.UnpricedRequests ? totals.Cost : null,
        UnpricedRequests = totals.UnpricedRequests,
        EstimatedRequests = totals.EstimatedRequests,
        AverageDurationMs = totals.Requests > 0 ? totals.DurationMs / totals.Requests : 0,
        Saturated = totals.Saturated,
    };
}
