// What the hourly summary of a window's older part says about where its events are: requests and errors per hour.
namespace Tokentap.Engine.Live;

/// <summary>
/// Collected while a window loads from rollups, so the few events the snapshot still needs from those hours (the
/// newest requests, the newest failure) are searched for in the hours that hold them instead of the whole window.
/// </summary>
internal sealed class RolledUpHours
{
    private readonly SortedDictionary<long, long> _requests = new();

    /// <summary>The start (UTC ticks) of the newest hour with a failed request, or null.</summary>
    public long? NewestWithErrors { get; private set; }

    public void Add(UsageSummaryRow row)
    {
        var hour = row.Hour!.Value.UtcTicks;
        _requests[hour] = _requests.GetValueOrDefault(hour) + row.Requests;
        if (row.Errors > 0 && (NewestWithErrors is null || hour > NewestWithErrors))
        {
            NewestWithErrors = hour;
        }
    }

    /// <summary>The start of the newest hours holding at least <paramref name="count"/> requests (all hours when they
    /// hold fewer); null when there are none.</summary>
    public long? StartOfNewest(int count)
    {
        long? start = null;
        long seen = 0;
        foreach (var (hour, requests) in _requests.Reverse())
        {
            start = hour;
            seen += requests;
            if (seen >= count)
            {
                break;
            }
        }

        return start;
    }
}
