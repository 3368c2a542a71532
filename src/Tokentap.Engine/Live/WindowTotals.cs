// Running totals of a live window, step by step and model by model, so sliding the window only drops whole steps.
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Live;

/// <summary>
/// Totals per (step, provider, model) for the events at or after <see cref="StartTicks"/>. Events are added one by one
/// (the tail) or as hourly summary rows (the initial load); both land in the step holding their time.
/// </summary>
internal sealed class WindowTotals
{
    private readonly SortedDictionary<long, Dictionary<ModelKey, UsageTotals>> _steps = new();

    public WindowTotals(WindowSpan span, long startTicks)
    {
        Span = span;
        StartTicks = startTicks;
    }

    public WindowSpan Span { get; private set; }

    /// <summary>The first instant counted: the span's start, or the filter's Since when later.</summary>
    public long StartTicks { get; private set; }

    /// <summary>Adds an event; false when it is before the window.</summary>
    public bool Add(UsageEvent usageEvent)
    {
        var ticks = usageEvent.Timestamp.Ticks;
        if (ticks < StartTicks)
        {
            return false;
        }

        Totals(Span.StepStart(ticks), new ModelKey(usageEvent.Provider ?? "", usageEvent.Model)).Add(usageEvent);
        return true;
    }

    /// <summary>Adds an hourly summary row (grouped by Hour, Provider and Model, in UTC).</summary>
    public void Add(UsageSummaryRow row)
    {
        var hour = row.Hour ?? throw new ArgumentException("The row is not grouped by hour.", nameof(row));
        var totals = Totals(Span.StepStart(hour.UtcTicks), new ModelKey(row.Provider ?? "", row.Model));
        totals.Add(new UsageTotals
        {
            Requests = row.Requests,
            Errors = row.Errors,
            InputTokens = row.InputTokens,
            CacheReadTokens = row.CacheReadTokens,
            CacheWriteTokens = row.CacheWriteTokens,
            OutputTokens = row.OutputTokens,
            ReasoningTokens = row.ReasoningTokens,
            Cost = row.Cost ?? 0,
            UnpricedRequests = row.UnpricedRequests,
            EstimatedRequests = row.EstimatedRequests,
        });
    }

    /// <summary>Moves the window forward to a span with the same step alignment; true when steps were dropped.</summary>
    public bool Slide(WindowSpan span, long startTicks)
    {
        Span = span;
        StartTicks = startTicks;
        var dropped = false;
        while (_steps.Count > 0)
        {
            var first = _steps.Keys.First();
            if (first >= span.StartTicks)
            {
                break;
            }

            _steps.Remove(first);
            dropped = true;
        }

        return dropped;
    }

    /// <summary>Everything in the window, including events stamped after its last step.</summary>
    public UsageTotals Sum()
    {
        var sum = new UsageTotals();
        foreach (var models in _steps.Values)
        {
            foreach (var totals in models.Values)
            {
                sum.Add(totals);
            }
        }

        return sum;
    }

    /// <summary>The totals of each provider and model over the window.</summary>
    public Dictionary<ModelKey, UsageTotals> ByModel()
    {
        var byModel = new Dictionary<ModelKey, UsageTotals>();
        foreach (var models in _steps.Values)
        {
            foreach (var (key, totals) in models)
            {
                if (!byModel.TryGetValue(key, out var sum))
                {
                    byModel[key] = sum = new UsageTotals();
                }

                sum.Add(totals);
            }
        }

        return byModel;
    }

    /// <summary>The totals of one step (empty when nothing happened in it).</summary>
    public UsageTotals Step(long stepStart)
    {
        var sum = new UsageTotals();
        if (_steps.TryGetValue(stepStart, out var models))
        {
            foreach (var totals in models.Values)
            {
                sum.Add(totals);
            }
        }

        return sum;
    }

    private UsageTotals Totals(long step, ModelKey key)
    {
        if (!_steps.TryGetValue(step, out var models))
        {
            _steps[step] = models = new Dictionary<ModelKey, UsageTotals>();
        }

        if (!models.TryGetValue(key, out var totals))
        {
            models[key] = totals = new UsageTotals();
        }

        return totals;
    }
}
