// Facade use cases of Watch-TokenUsage: the live view on the terminal, or snapshots for a script.
using Tokentap.Engine.Live;

namespace Tokentap.Engine.Facade;

public sealed partial class TokentapEngine
{
    /// <summary>The most recent requests a snapshot can list.</summary>
    public const int MaxRecentRequests = SnapshotOptions.MaxRecentRequests;

    /// <summary>
    /// Draws the live view on this process's terminal until the user quits (q, Esc) or <paramref name="cancellationToken"/>
    /// is cancelled. <paramref name="window"/>: 5m, 15m, 1h, today, 24h, 7d, 30d or all; null: the window covering filter.Since, or today.
    /// <paramref name="theme"/>: default, light, high-contrast or no-color; null: $env:TOKENTAP_THEME, else no-color
    /// when NO_COLOR is set, else default.
    /// </summary>
    public void RunLiveView(UsageFilter filter, string? window, int recentRequests, TimeSpan refreshInterval, string? theme, CancellationToken cancellationToken)
    {
        var options = new LiveViewOptions
        {
            RefreshInterval = refreshInterval,
            FilterText = FilterText.Describe(filter, TimeZoneInfo.Local),
            Theme = LiveTheme.Choose(theme, Environment.GetEnvironmentVariable),
        };
        LiveView.RunOnTerminal(Snapshots(filter, window, recentRequests), options, cancellationToken);
    }

    /// <summary>
    /// One snapshot now, then (unless <paramref name="once"/>) one each time what it shows changed, read every
    /// <paramref name="refreshInterval"/> until <paramref name="cancellationToken"/> is cancelled; enumerated on the
    /// caller's thread. A failing first read throws StoreReadFailed (the command stops); later failures go to
    /// <paramref name="onFailure"/>, once per distinct failure, and watching goes on.
    /// </summary>
    public IEnumerable<TokenUsageSnapshot> WatchSnapshots(
        UsageFilter filter,
        string? window,
        int recentRequests,
        TimeSpan refreshInterval,
        bool once,
        Action<TokentapException> onFailure,
        CancellationToken cancellationToken)
    {
        var builder = Snapshots(filter, window, recentRequests);
        string? lastFailure = null;
        for (var first = true; first || !cancellationToken.WaitHandle.WaitOne(refreshInterval); first = false)
        {
            bool changed;
            var cancelled = false;
            try
            {
                changed = builder.Refresh(cancellationToken);
                lastFailure = null;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                changed = false;
                cancelled = true;
            }
            catch (Exception ex) when (first)
            {
                throw EngineFailures.StoreRead(ex, DatabasePath, firstRead: true);
            }
            catch (Exception ex)
            {
                // Keep watching through a busy or briefly unavailable store; say so once per distinct failure.
                if (ex.Message != lastFailure)
                {
                    onFailure(EngineFailures.StoreRead(ex, DatabasePath, firstRead: false));
                    lastFailure = ex.Message;
                }

                continue;
            }

            if (cancelled)
            {
                yield break;
            }

            if (changed || first)
            {
                yield return builder.Snapshot;
            }

            if (once)
            {
                yield break;
            }
        }
    }

    private SnapshotBuilder Snapshots(UsageFilter filter, string? window, int recentRequests)
    {
        var shown = window is { } name ? LiveWindows.Parse(name)
            : filter.Since is { } since ? LiveWindows.Covering(since, DateTime.UtcNow, TimeZoneInfo.Local)
            : TokenUsageWindow.Today;
        return new SnapshotBuilder(Runtime.Store, Runtime.Prices, Runtime.Paths, new SnapshotOptions { Filter = filter, Window = shown, RecentRequests = recentRequests, Budgets = Runtime.Budgets.LiveGauges, Demo = IsDemo, Previews = LivePreviews(recentRequests) });
    }
}
