// Counts like requests in a sliding window: N within M seconds opens an anomaly, and each next one soon after extends it.
namespace Tokentap.Engine.Anomalies;

/// <summary>
/// The run of one kind of request (one fingerprint, or one session's failures). When <c>count</c> of them fall within
/// <c>window</c>, an anomaly opens holding them all; each later one within <c>window</c> of the one before joins it; a
/// longer pause closes it. Every request after the first of the anomaly is extra: its tokens and cost.
/// </summary>
internal sealed class RepeatRun
{
    private static readonly IReadOnlyDictionary<int, int> NoStatuses = new Dictionary<int, int>();
    private readonly List<UsageEvent> _recent = new();
    private Dictionary<int, int>? _statuses;

    public UsageEvent? Last { get; private set; }

    public OpenAnomaly? Open { get; private set; }

    /// <summary>How many requests of the open anomaly failed.</summary>
    public int Failed { get; private set; }

    /// <summary>
    /// How many requests of the open anomaly ended with each status code (empty while none is open). Each anomaly has
    /// its own, kept after it closed, so its detail can be formatted then; a run that never opens one makes none.
    /// </summary>
    public IReadOnlyDictionary<int, int> Statuses => _statuses ?? NoStatuses;

    /// <summary>Drops the runs whose last request is older than an instant.</summary>
    public static void ForgetOlder<TKey>(Dictionary<TKey, RepeatRun> runs, DateTime before)
        where TKey : notnull
    {
        // Removing while enumerating is allowed for Dictionary; no list of keys, no closure (it runs every 500 events over every run).
        foreach (var (key, run) in runs)
        {
            if (run.Last is { } last && last.Timestamp < before)
            {
                runs.Remove(key);
            }
        }
    }

    /// <summary>Adds a request; returns the anomaly it opened or extended, else null. Sets <paramref name="isNew"/>.</summary>
    public OpenAnomaly? Add(UsageEvent e, TokenUsageAnomalyKind kind, string session, int count, TimeSpan window, out bool isNew)
    {
        isNew = false;
        var last = Last;
        Last = e;
        if (Open is { } open)
        {
            if (last is not null && e.Timestamp - last.Timestamp <= window)
            {
                Join(open, e);
                return open;
            }

            Open = null;
            Failed = 0;
            _statuses = null;
        }

        _recent.Add(e);
        for (var i = _recent.Count - 1; i >= 0; i--)
        {
            if (e.Timestamp - _recent[i].Timestamp > window)
            {
                _recent.RemoveAt(i);
            }
        }
        if (_recent.Count < count)
        {
            return null;
        }

        open = new OpenAnomaly(kind, session, _recent[0]);
        _statuses = new();
        foreach (var member in _recent)
        {
            Join(open, member);
        }

        _recent.Clear();
        Open = open;
        isNew = true;
        return open;
    }

    private void Join(OpenAnomaly open, UsageEvent e)
    {
        if (open.Count > 0)
        {
            open.AddExtra(e.TotalTokens, e.Cost);
        }

        open.Count++;
        open.End = e.Timestamp > open.End ? e.Timestamp : open.End;
        Failed += e.IsSuccess ? 0 : 1;
        _statuses![e.StatusCode] = _statuses.GetValueOrDefault(e.StatusCode) + 1;
    }
}
