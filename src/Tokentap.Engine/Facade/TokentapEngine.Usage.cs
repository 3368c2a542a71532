// Facade use cases over the usage store: query, summary, remove and completion values.
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Facade;

public sealed partial class TokentapEngine
{
    /// <summary>
    /// The stored events that match, streamed in time order (newest first with <paramref name="newestFirst"/>), only the
    /// most recent <paramref name="last"/> when given. Store failures throw while enumerating, classified.
    /// </summary>
    public IEnumerable<UsageEvent> GetUsage(UsageFilter filter, bool newestFirst = false, int? last = null) =>
        Classified(() => Runtime.Store.Query(filter, newestFirst ? UsageOrder.NewestFirst : UsageOrder.OldestFirst, last));

    /// <summary>
    /// Totals of the matching events, one row per combination of <paramref name="groupBy"/> (one total row when empty),
    /// with Day and Hour boundaries in <paramref name="timeZone"/> (an id such as Europe/Berlin or UTC; null: local).
    /// Throws TimeZoneNotFound (the command stops) or a store failure.
    /// </summary>
    public IReadOnlyList<UsageSummaryRow> GetSummary(UsageFilter filter, IReadOnlyCollection<UsageGroupBy> groupBy, string? timeZone = null) =>
        GetSummary(filter, groupBy, new UsageSummaryOptions { TimeZone = timeZone });

    /// <summary>Removes (or with <paramref name="dryRun"/> counts) the matching events stored before <paramref name="before"/>.</summary>
    public long RemoveUsage(DateTime before, UsageFilter filter, bool dryRun = false)
    {
        // Captured content goes with its events: their ids are read first, only when some content is stored.
        var withContent = dryRun || !HasContent() ? null
            : Store(store => store.Query(
                filter with { Until = filter.Until is { } until && UsageFilterMatcher.ToUtcTicks(until) < UsageFilterMatcher.ToUtcTicks(before) ? until : before },
                UsageOrder.OldestFirst,
                null).Select(e => e.Id).ToList());
        var removed = Store(store => store.Remove(before, filter, dryRun));
        if (withContent is not null)
        {
            RemoveContent(withContent);
        }

        return removed;
    }

    /// <summary>
    /// Removes (or with <paramref name="dryRun"/> counts) the stored copies of the events (as Get-TokenUsage returned
    /// them) that also match <paramref name="filter"/>.
    /// </summary>
    public long RemoveUsage(IEnumerable<UsageEvent> events, UsageFilter filter, bool dryRun = false)
    {
        var matcher = new UsageFilterMatcher(filter);
        var matching = events.Where(e => matcher.Matches(UsageFilterMatcher.ToUtcTicks(e.Timestamp), e)).ToList();
        var removed = matching.Count == 0 ? 0 : Store(store => store.Remove(matching, dryRun));
        if (!dryRun && matching.Count > 0)
        {
            RemoveContent(matching.Select(e => e.Id));
        }

        return removed;
    }

    /// <summary>The distinct values the store holds for a label (tab completion); none when the store cannot be read now.</summary>
    public IReadOnlyList<string> GetUsageValues(UsageField field)
    {
        try
        {
            return Runtime.Store.GetValues(field);
        }
        catch (Exception ex) when (StoreFailure.Classify(ex) is not null)
        {
            return Array.Empty<string>();
        }
    }

    /// <summary>Runs a store operation, classifying store failures.</summary>
    private T Store<T>(Func<UsageStore, T> operation)
    {
        try
        {
            return operation(Runtime.Store);
        }
        catch (Exception ex) when (EngineFailures.Store(ex, DatabasePath) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>A lazily read sequence whose store failures (on open or while reading) are classified.</summary>
    private IEnumerable<T> Classified<T>(Func<IEnumerable<T>> source)
    {
        using var items = Store(_ => source().GetEnumerator());
        while (true)
        {
            T item;
            try
            {
                if (!items.MoveNext())
                {
                    yield break;
                }

                item = items.Current;
            }
            catch (Exception ex) when (EngineFailures.Store(ex, DatabasePath) is { } failure)
            {
                throw failure;
            }

            yield return item;
        }
    }
}
