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

    /// <summary>Five hours, the length of a billing block (ccusage's SESSION_DURATION_MS).</summary>
    public static readonly TimeSpan BlockLength = TimeSpan.FromHours(5);

    private readonly record struct GroupKey(long Period, long Offset, string? Provider, string? Model, string? App, string? Session, string? Project, string? Conversation = null, int? Turn = null, long TurnStart = 0, string? ClientSession = null, long Block = 0);

    private enum TimeBucket { None, Hour, Day, Week, Month }

    /// <summary>A billing block's first and last request (UTC ticks).</summary>
    private sealed class BlockSpan
    {
        public long First;
        public long Last;
    }

    /// <summary>The cache savings of a group: sums over its priced events.</summary>
    private sealed class CacheTotals
    {
        public decimal ReadSavings;
        public decimal WriteExtraCost;
        public bool Priced;
    }

    public IReadOnlyList<UsageSummaryRow> Summarize(UsageFilter filter, IReadOnlyCollection<UsageGroupBy> groupBy, TimeZoneInfo zone, SummaryOptions options)
    {
        var matcher = new UsageFilterMatcher(filter);
        var dimensions = new HashSet<UsageGroupBy>(groupBy);
        var bucket = dimensions.Contains(UsageGroupBy.Hour) ? TimeBucket.Hour
            : dimensions.Contains(UsageGroupBy.Day) ? TimeBucket.Day
            : dimensions.Contains(UsageGroupBy.Week) ? TimeBucket.Week
            : dimensions.Contains(UsageGroupBy.Month) ? TimeBucket.Month
            : TimeBucket.None;
        var byTime = bucket != TimeBucket.None;
        var calendar = new Calendar(bucket, zone, options.WeekStart);
        var groups = new Dictionary<GroupKey, UsageTotals>();
        var blocks = new Dictionary<long, BlockSpan>();
        var savings = options.CacheSavings is null ? null : new Dictionary<GroupKey, CacheTotals>();
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
        // Rollup rows carry labels only: a source condition, grouping by conversation, turn, client session or block,
        // or cache savings (which need each event's model, time and 1 hour cache writes) read the events.
        var byEventLabels = dimensions.Overlaps([UsageGroupBy.Conversation, UsageGroupBy.Turn, UsageGroupBy.ClientSession, UsageGroupBy.Block]);
        if (firstFullHour >= endFullHour || matcher.HasEventConditions || matcher.NeedsEvents || byEventLabels || savings is not null)
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

                var key = KeyOf(row.HourNumber * TimeSpan.TicksPerHour, row, dimensions, calendar);
                Totals(groups, key).Add(row.Totals);
            }

            rawRanges.AddRange(UsageScanner.ToRanges(rawHours, since, until));
            if (endFullHour * TimeSpan.TicksPerHour < until)
            {
                rawRanges.Add(new TickRange(endFullHour * TimeSpan.TicksPerHour, until));
            }
        }

        rawRanges.Sort((a, b) => a.Start.CompareTo(b.Start));
        BlockSpan? block = null;
        long blockStart = 0;
        foreach (var (_, usageEvent) in _scanner.Scan(rawRanges, matcher, descending: false))
        {
            var row = UsageRollupDocument.For(usageEvent);
            var ticks = UsageKeys.UtcTicks(usageEvent.Timestamp);
            var key = KeyOf(ticks, row, dimensions, calendar);
            if (byEventLabels)
            {
                key = WithEventLabels(key, usageEvent, dimensions);
            }

            if (dimensions.Contains(UsageGroupBy.Block))
            {
                // Events arrive in time order: ccusage's rule, a new block after the block's end or a 5 hour gap.
                if (block is null || ticks - blockStart > BlockLength.Ticks || ticks - block.Last > BlockLength.Ticks)
                {
                    blockStart = ticks - ticks % TimeSpan.TicksPerHour;
                    blocks[blockStart] = block = new BlockSpan { First = ticks };
                }

                block.Last = ticks;
                key = key with { Block = blockStart };
            }

            Totals(groups, key).Add(usageEvent);
            if (savings is not null && options.CacheSavings!(usageEvent) is { } saved)
            {
                if (!savings.TryGetValue(key, out var cache))
                {
                    savings[key] = cache = new CacheTotals();
                }

                cache.ReadSavings += saved.ReadSavings;
                cache.WriteExtraCost += saved.WriteExtraCost;
                cache.Priced = true;
            }
        }

        var now = (options.NowUtc ?? DateTime.UtcNow).Ticks;
        return groups
            .OrderBy(g => g.Key.Block).ThenBy(g => g.Key.Period - g.Key.Offset).ThenBy(g => g.Key.Period)
            .ThenBy(g => g.Key.Provider, StringComparer.Ordinal).ThenBy(g => g.Key.Model, StringComparer.Ordinal)
            .ThenBy(g => g.Key.App, StringComparer.Ordinal).ThenBy(g => g.Key.Session, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Project, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Conversation, StringComparer.Ordinal).ThenBy(g => g.Key.Turn)
            .ThenBy(g => g.Key.ClientSession, StringComparer.Ordinal)
            .Select(g => ToRow(
                g.Key,
                g.Value,
                calendar,
                dimensions,
                savings is null ? null : savings.GetValueOrDefault(g.Key) ?? new CacheTotals(),
                dimensions.Contains(UsageGroupBy.Block) ? BlockFigures.Of(g.Key.Block, blocks[g.Key.Block], g.Value, now) : null))
            .ToList();
    }

    private static GroupKey WithEventLabels(GroupKey key, UsageEvent e, HashSet<UsageGroupBy> dimensions)
    {
        var byTurn = dimensions.Contains(UsageGroupBy.Turn);
        var byConversation = byTurn || dimensions.Contains(UsageGroupBy.Conversation);
        return key with
        {
            Conversation = byConversation ? e.ConversationId : null,
            Turn = byTurn ? e.TurnIndex : null,
            TurnStart = byTurn && e.TurnStart is { } start ? UsageKeys.UtcTicks(start) : 0,
            ClientSession = dimensions.Contains(UsageGroupBy.ClientSession) ? e.ClientSessionId ?? e.ConversationId : null,
        };
    }

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

    private static GroupKey KeyOf(long utcTicks, UsageRollupDocument labels, HashSet<UsageGroupBy> dimensions, Calendar calendar)
    {
        var (period, offset) = calendar.PeriodOf(utcTicks);
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

    private static UsageSummaryRow ToRow(GroupKey key, UsageTotals totals, Calendar calendar, HashSet<UsageGroupBy> dimensions, CacheTotals? cache, BlockFigures? block) => new()
    {
        CacheReadSavings = cache is { Priced: true } ? cache.ReadSavings : null,
        CacheWriteExtraCost = cache is { Priced: true } ? cache.WriteExtraCost : null,
        BlockStart = block?.Start,
        BlockEnd = block?.End,
        FirstRequest = block?.First,
        LastRequest = block?.Last,
        IsActive = block?.IsActive,
        TokensPerMinute = block?.TokensPerMinute,
        CostPerHour = block?.CostPerHour,
        ProjectedCost = block?.ProjectedCost,
        Day = calendar.Bucket is TimeBucket.Hour or TimeBucket.Day ? calendar.DayOf(key.Period) : null,
        Hour = calendar.Bucket == TimeBucket.Hour ? new DateTimeOffset(key.Period, TimeSpan.FromTicks(key.Offset)) : null,
        Week = dimensions.Contains(UsageGroupBy.Week) ? calendar.WeekOf(key.Period) : null,
        Month = dimensions.Contains(UsageGroupBy.Month) ? calendar.MonthOf(key.Period) : null,
        TimeZone = calendar.Bucket != TimeBucket.None ? calendar.Zone.Id : null,
        ClientSession = key.ClientSession,
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

    /// <summary>A block row's span, whether it runs at the summary's moment, ccusage's burn rate and projection.</summary>
    private sealed record BlockFigures(DateTime Start, DateTime End, DateTime First, DateTime Last, bool IsActive, double? TokensPerMinute, decimal? CostPerHour, decimal? ProjectedCost)
    {
        /// <summary>
        /// The burn rate runs from the block's first to its last request (every row of a block shares that span, so
        /// the rows' rates add up to the block's); the projection adds that rate over the minutes left in the block.
        /// </summary>
        public static BlockFigures Of(long start, BlockSpan span, UsageTotals totals, long now)
        {
            var end = start + BlockLength.Ticks;
            var active = now - span.Last < BlockLength.Ticks && now < end;
            var minutes = (decimal)(span.Last - span.First) / TimeSpan.TicksPerMinute;
            decimal? cost = totals.Requests > totals.UnpricedRequests ? totals.Cost : null;
            decimal? costPerHour = minutes > 0 && cost is { } known ? known / minutes * 60 : null;
            return new BlockFigures(
                new DateTime(start, DateTimeKind.Utc),
                new DateTime(end, DateTimeKind.Utc),
                new DateTime(span.First, DateTimeKind.Utc),
                new DateTime(span.Last, DateTimeKind.Utc),
                active,
                minutes > 0 ? totals.TotalTokens / (double)minutes : null,
                costPerHour,
                active && costPerHour is { } rate ? cost + rate / 60 * ((decimal)(end - now) / TimeSpan.TicksPerMinute) : null);
        }
    }

    /// <summary>The summary's time buckets: the finest of Hour, Day, Week and Month asked for, in the zone.</summary>
    private sealed class Calendar(TimeBucket bucket, TimeZoneInfo zone, DayOfWeek weekStart)
    {
        public TimeBucket Bucket => bucket;

        public TimeZoneInfo Zone => zone;

        /// <summary>The local start of the bucket holding a UTC time, and the zone's offset then (kept for hours only).</summary>
        public (long Period, long Offset) PeriodOf(long utcTicks)
        {
            if (bucket == TimeBucket.None)
            {
                return (0, 0);
            }

            var offset = zone.GetUtcOffset(new DateTime(utcTicks, DateTimeKind.Utc)).Ticks;
            var local = utcTicks + offset;
            return bucket switch
            {
                TimeBucket.Hour => (local - local % TimeSpan.TicksPerHour, offset),
                TimeBucket.Day => (local - local % TimeSpan.TicksPerDay, 0),
                TimeBucket.Week => (WeekOf(local)!.Value.Ticks, 0),
                _ => (MonthOf(local)!.Value.Ticks, 0),
            };
        }

        public DateTime DayOf(long localTicks) => new(localTicks - localTicks % TimeSpan.TicksPerDay, DateTimeKind.Unspecified);

        public DateTime? WeekOf(long localTicks)
        {
            var day = DayOf(localTicks);
            return day.AddDays(-(((int)day.DayOfWeek - (int)weekStart + 7) % 7));
        }

        public DateTime? MonthOf(long localTicks)
        {
            var day = DayOf(localTicks);
            return new DateTime(day.Year, day.Month, 1, 0, 0, 0, DateTimeKind.Unspecified);
        }
    }
}
