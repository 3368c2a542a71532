// Facade use cases of Show-TokenUsageDashboard and Stop-TokenUsageDashboard: the local web dashboard's server.
using System.Net.Sockets;
using Tokentap.Engine.Dashboard;

namespace Tokentap.Engine.Facade;

public sealed partial class TokentapEngine
{
    /// <summary>The dashboard's port when none is asked for (the next free one above it when taken).</summary>
    public const int DefaultDashboardPort = 8790;

    private DashboardServer? _dashboard;

    /// <summary>The dashboard of this engine, if one runs.</summary>
    public TokentapDashboard? GetDashboard()
    {
        lock (_gate)
        {
            return _dashboard is { } server ? Describe(server) : null;
        }
    }

    /// <summary>
    /// Starts the dashboard on loopback, or returns the one already running. <paramref name="port"/> null: 
    /// <see cref="DefaultDashboardPort"/> or the next free port; 0: any free port. A running dashboard on another port
    /// than the one asked for is DashboardRunning; a taken port is PortInUse.
    /// </summary>
    public TokentapDashboard StartDashboard(int? port)
    {
        lock (_gate)
        {
            if (_dashboard is { } running)
            {
                if (port is > 0 && port != running.Port)
                {
                    throw new TokentapException(
                        "DashboardRunning",
                        TokentapErrorCategory.ResourceUnavailable,
                        $"The dashboard already runs on port {running.Port}; stop it with Stop-TokenUsageDashboard to start it on port {port}.",
                        running.Port,
                        stopsCommand: true);
                }

                return Describe(running);
            }

            var first = port ?? DefaultDashboardPort;
            for (var attempt = 0; ; attempt++)
            {
                var server = new DashboardServer(Runtime.Store, Runtime.Prices, Runtime.Paths, Runtime.Budgets.LiveGauges, first + attempt, captureOn: () => Runtime.Content is not null || ContentCaptureSetting());
                try
                {
                    server.Start();
                    _dashboard = server;
                    return Describe(server);
                }
                catch (SocketException) when (port is null && attempt < 100 && first + attempt < 65535)
                {
                    server.Dispose();
                }
                catch (Exception ex) when (EngineFailures.Start(ex, first + attempt, DatabasePath) is { } failure)
                {
                    server.Dispose();
                    throw failure;
                }
            }
        }
    }

    /// <summary>Stops the dashboard (open pages lose their connection); returns what stopped, or null when none ran.</summary>
    public TokentapDashboard? StopDashboard()
    {
        DashboardServer? server;
        lock (_gate)
        {
            server = _dashboard;
            _dashboard = null;
        }

        if (server is null)
        {
            return null;
        }

        var stopped = Describe(server);
        server.Dispose();
        return stopped;
    }

    /// <summary>
    /// Opens an address in the default browser (start, open or xdg-open); returns null when the browser was started,
    /// else why it could not be (no graphical session, no opener), for a warning next to the printed address.
    /// </summary>
    public static string? OpenInBrowser(string url) => BrowserLauncher.Open(url);

    private TokentapDashboard Describe(DashboardServer server) => new()
    {
        Url = server.Url,
        Port = server.Port,
        Home = Home,
        StartTime = server.StartedUtc.ToLocalTime(),
        LastFailure = server.LastFailure,
    };
}
