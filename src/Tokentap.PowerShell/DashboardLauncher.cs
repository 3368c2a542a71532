// Shows a started dashboard to the user: opens the default browser (unless asked not to) and prints the address.
using Tokentap.Engine.Facade;

namespace Tokentap.PowerShell;

/// <summary>
/// The one way Show-TokenUsageDashboard and Start-Tokentap -Dashboard present the dashboard: the address always goes
/// to the host; the browser is opened unless <c>noBrowser</c>; where it cannot be (no desktop session, no opener) a
/// warning says why, so the user opens the printed address by hand.
/// </summary>
internal static class DashboardLauncher
{
    /// <summary>
    /// Start-Tokentap's output: with <paramref name="dashboard"/> (-Dashboard) the dashboard is started (or reused) and
    /// presented first, then the status is written when <paramref name="passThru"/>.
    /// </summary>
    public static void EmitStatus(TokentapCmdlet cmdlet, TokentapStatus? status, bool passThru, bool dashboard)
    {
        if (dashboard && status is not null && cmdlet.ShouldProcess("127.0.0.1", "Start the Tokentap dashboard"))
        {
            Present(cmdlet, ModuleState.Engine.StartDashboard(null), noBrowser: false);
        }

        if (passThru && status is not null)
        {
            cmdlet.WriteObject(status);
        }
    }

    public static void Present(TokentapCmdlet cmdlet, TokentapDashboard dashboard, bool noBrowser)
    {
        cmdlet.WriteHostLine($"Tokentap dashboard: {dashboard.Url}");
        if (dashboard.LastFailure is { } failure)
        {
            cmdlet.WriteWarning($"The dashboard failed to answer a request: {failure}");
        }

        if (!noBrowser && TokentapEngine.OpenInBrowser(dashboard.Url) is { } reason)
        {
            cmdlet.WriteWarning($"{reason} Open the address above in a browser on this computer.");
        }
    }
}
