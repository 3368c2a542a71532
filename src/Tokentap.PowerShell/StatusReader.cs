// Builds the TokentapStatus users see from the module state, the engine runtime and the run registry.
using Tokentap.Engine;
using Tokentap.Engine.Certificates;
using Tokentap.Engine.Proxy;
using Tokentap.Engine.Session;

namespace Tokentap.PowerShell;

/// <summary>Maps the running session and runtime to <see cref="TokentapStatus"/>.</summary>
internal static class StatusReader
{
    public static TokentapStatus Read()
    {
        var runtime = ModuleState.Runtime;
        var session = ModuleState.Session;
        var caDirectory = runtime.Paths.CaDirectory;
        var otherProxies = OtherProxies(runtime.Paths);
        var common = new TokentapStatus
        {
            CaCertificatePath = Path.Combine(caDirectory, CertificateAuthority.CertificateFileName),
            BundlePath = Path.Combine(caDirectory, CertificateAuthority.BundleFileName),
            DatabasePath = runtime.Paths.DatabasePath,
            InterceptHosts = InterceptHostList.Default.Patterns,
            OtherProxies = otherProxies,
            WriteFailing = runtime.WriteFailing,
            LastWriteError = runtime.LastWriteError,
            DecodeBudgetUsedBytes = runtime.DecodeBudgetUsedBytes,
            DecodeBudgetCapBytes = runtime.DecodeBudgetCapBytes,
        };
        if (session is null)
        {
            return common;
        }

        var listener = session.Listener;
        var recorder = runtime.Recorder?.Status;
        return new TokentapStatus
        {
            Running = listener.IsRunning,
            Port = listener.Port,
            ProxyUrl = listener.ProxyUrl,
            OtherProxies = otherProxies,
            Session = session.Name,
            StartTime = listener.StartedUtc.ToLocalTime(),
            Uptime = DateTime.UtcNow - listener.StartedUtc,
            EventsCaptured = runtime.CapturedEvents(session.Name),
            EventsPending = recorder?.Pending ?? 0,
            EventsDropped = (recorder?.Dropped ?? 0) + (recorder?.Abandoned ?? 0),
            Requests = listener.Server.Statistics.Exchanges + listener.Server.Statistics.Tunnels,
            Failures = runtime.FailureCount(),
            WriteFailing = runtime.WriteFailing,
            LastWriteError = runtime.LastWriteError,
            DecodeBudgetUsedBytes = runtime.DecodeBudgetUsedBytes,
            DecodeBudgetCapBytes = runtime.DecodeBudgetCapBytes,
            RecentErrors = runtime.RecentErrors(),
            UnpricedModels = runtime.UnpricedModels(),
            InterceptHosts = listener.Server.Options.InterceptHosts.Patterns,
            UnreadableHosts = runtime.Observer?.UnreadableHosts ?? new Dictionary<string, long>(),
            CaCertificatePath = listener.Authority.Authority.CertificatePath,
            BundlePath = listener.Authority.Authority.BundlePath,
            DatabasePath = runtime.Paths.DatabasePath,
            UpstreamProxy = session.Request.UpstreamProxy?.ToString(),
            EnvironmentApplied = session.Environment is not null,
        };
    }

    /// <summary>The proxies other processes registered for this data folder (shells that ran Start-Tokentap).</summary>
    private static IReadOnlyList<TokentapOtherProxy> OtherProxies(TokentapPaths paths) =>
        ProxyRegistry.ListRunning(paths)
            .Where(p => !p.IsThisProcess)
            .Select(p => new TokentapOtherProxy(p.ProcessId, p.Port, $"http://127.0.0.1:{p.Port}", p.Session, p.StartedUtc.ToLocalTime()))
            .ToList();
}
