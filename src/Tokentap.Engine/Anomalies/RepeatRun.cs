// Counts like requests in a sliding window: N within M seconds opens an anomaly, and each next one soon after extends it.
namespace Tokentap.Engine.Anomalies;

/// <summary>
/// The run of one kind of request (one fingerprint, or one session's failures). When <c>count</c> of them fall within
/// <c>window</c>, an anomaly opens holding them all; each later one within <c>window</c> of the one before joins it; a
/// longer pause closes it. Every request after the first of the anomaly is extra: its tokens and cost.
/// </summary>
internal sealed class RepeatRun
{
    private readonly List<UsageEvent> _recent = new();

    public UsageEvent? Last { get; private set; }

    public OpenAnomaly? Open { get; private set; }

    /// <summary>How many requests of the open anomaly failed.</summary>
    public int Failed { get; private set; }

    /// <summary>
    /// How many requests of the open anomaly ended with each status code; a closed anomaly keeps its own (the run
    /// starts a new one), so its detail can be formatted after it closed.
    /// </summary>
    public Dictionary<int, int> Statuses { get; private set; } = new();

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
            Statuses = new();
        }

        _recent.Add(e);
        _recent.RemoveAll(r => e.Timestamp - r.Timestamp > window);
        if (_recent.Count < count)
        {
            return null;
        }

        open = new OpenAnomaly(kind, session, _recent[0]);
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
        Statuses[e.StatusCode] = Statuses.GetValueOrDefault(e.StatusCode) + 1;
    }
}
