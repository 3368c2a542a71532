// Facade use cases for this process's proxy: start, stop and status (Start-, Stop- and Get-Tokentap).
using Tokentap.Engine.Certificates;
using Tokentap.Engine.Hosting;
using Tokentap.Engine.Providers;
using Tokentap.Engine.Proxy;
using Tokentap.Engine.Registry;
using Tokentap.Engine.Reports;

namespace Tokentap.Engine.Facade;

public sealed partial class TokentapEngine
{
    // The warm-up waits this long after Start-Tokentap binds, so it runs after the shell's own start (the prompt, the
    // rest of a profile) instead of beside it; a request sooner is served as it would be without a warm-up.
    private static readonly TimeSpan StartWarmUpDelay = TimeSpan.FromSeconds(1);

    private ProxyListener? _proxy;
    private ListenerRequest? _proxyRequest;
    private bool _proxySetsEnvironment;

    /// <summary>The URL of this process's proxy (http://127.0.0.1:PORT), or null when none runs.</summary>
    public string? ProxyUrl
    {
        get
        {
            lock (_gate)
            {
                return _proxy?.ProxyUrl;
            }
        }
    }

    /// <summary>The session name of this process's proxy, or null when none runs.</summary>
    public string? ProxySession
    {
        get
        {
            lock (_gate)
            {
                return _proxy?.Tags.Session;
            }
        }
    }

    /// <summary>
    /// Checks what the user asked before anything starts: InvalidInterceptHost for an entry that is not "host" or
    /// "host=format" with a known format, UpstreamCaFileNotFound for a missing -UpstreamCaFile (the command stops).
    /// </summary>
    public static ProxyStartRequest CheckStartRequest(ProxyStartRequest request)
    {
        foreach (var entry in request.InterceptHosts)
        {
            try
            {
                WireFormatNames.ValidateInterceptHost(entry);
            }
            catch (ArgumentException ex)
            {
                throw EngineFailures.InterceptHost(ex, entry);
            }
        }

        if (request.UpstreamCaFile is { } caFile && !File.Exists(caFile))
        {
            throw EngineFailures.Refused("UpstreamCaFileNotFound", TokentapErrorCategory.ObjectNotFound, $"-UpstreamCaFile '{caFile}' does not exist.", caFile);
        }

        return request;
    }

    /// <summary>
    /// The host to base URI map of -UpstreamOverride (keys and values as text); InvalidUpstreamOverride (the command
    /// stops) for an entry that does not map a host name to an absolute http(s) URI.
    /// </summary>
    public static IReadOnlyDictionary<string, Uri> ParseUpstreamOverrides(System.Collections.IDictionary? map)
    {
        var overrides = new Dictionary<string, Uri>(StringComparer.OrdinalIgnoreCase);
        foreach (System.Collections.DictionaryEntry entry in map ?? new Dictionary<string, string>())
        {
            var host = entry.Key?.ToString();
            if (string.IsNullOrWhiteSpace(host) || !Uri.TryCreate(entry.Value?.ToString(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw EngineFailures.Refused(
                    "InvalidUpstreamOverride",
                    TokentapErrorCategory.InvalidArgument,
                    $"-UpstreamOverride entry '{entry.Key}' = '{entry.Value}' must map a host name to an absolute http(s) URI.",
                    map);
            }

            overrides[host] = uri;
        }

        return overrides;
    }

    /// <summary>
    /// Starts this process's proxy (opening, creating or widening the certificate authority) and returns its status.
    /// Says on <paramref name="messages"/> when the CA was created or re-issued, when the port was taken, and which
    /// upstream proxy it inherits. Throws PortInUse or StartFailed; returns null when <paramref name="cancellationToken"/>
    /// cancelled the start. A second call while the proxy runs returns the running proxy's status.
    /// </summary>
    public TokentapStatus? StartProxy(ProxyStartRequest request, ITokentapMessages messages, CancellationToken cancellationToken = default) =>
        TryStartProxy(request, messages, cancellationToken) ? GetStatus() : null;

    /// <summary>
    /// <see cref="StartProxy"/> without building the status (Start-Tokentap builds it only for -PassThru): true when the
    /// proxy runs (started now or already running), false when <paramref name="cancellationToken"/> cancelled the start.
    /// </summary>
    public bool TryStartProxy(ProxyStartRequest request, ITokentapMessages messages, CancellationToken cancellationToken = default)
    {
        if (ProxyUrl is not null)
        {
            return true;
        }

        StartTrace.Mark("start requested");
        var session = request.Session ?? $"{DateTime.Now:yyyyMMdd-HHmmss}-{Environment.ProcessId}";
        var listenerRequest = new ListenerRequest
        {
            Port = request.Port,
            FallBackToNextFreePort = request.FallBackToNextFreePort,
            AdditionalInterceptHosts = request.InterceptHosts,
            UpstreamOverrides = request.UpstreamOverrides,
            UpstreamProxy = request.UpstreamProxy ?? InheritedUpstreamProxy(messages),
            UpstreamCaFile = request.UpstreamCaFile,
            Tags = new ExchangeTags(session, null, null),
            CaptureContent = request.CaptureContent,
            WarmUpDelay = StartWarmUpDelay,
        };
        var target = $"127.0.0.1:{(request.Port == 0 ? "ephemeral port" : request.Port.ToString(System.Globalization.CultureInfo.InvariantCulture))}";
        StartTrace.Mark("upstream proxy checked");
        var listener = StartListener(listenerRequest, target, cancellationToken);
        if (listener is null)
        {
            return false;
        }

        lock (_gate)
        {
            _proxy = listener;
            _proxyRequest = listenerRequest;
            _proxySetsEnvironment = request.AppliesEnvironment;
        }

        ReportStart(listener, messages);
        StartTrace.Mark("start reported");
        return true;
    }

    /// <summary>
    /// Stops this process's proxy (in-flight exchanges finish or are cut), commits its events, and returns what the
    /// session captured; null when no proxy runs. A store failure reading the totals throws after the proxy stopped.
    /// </summary>
    public TokentapSessionReport? StopProxy()
    {
        ProxyListener? listener;
        lock (_gate)
        {
            listener = _proxy;
            _proxy = null;
            _proxyRequest = null;
        }

        if (listener is null)
        {
            return null;
        }

        StartTrace.Mark("stop requested");
        listener.StopAsync().GetAwaiter().GetResult();
        StartTrace.Mark("listener stopped");
        Runtime.FlushAsync().Wait(TimeSpan.FromSeconds(10));
        StartTrace.Mark("events flushed");
        var report = SessionReport(listener.Tags.Session!, listener.StartedUtc);
        StartTrace.Mark("session report read");
        return report;
    }

    /// <summary>Where the data lives, whether the proxy runs here, what it captured, and which other processes run one.</summary>
    public TokentapStatus GetStatus()
    {
        ProxyListener? listener;
        ListenerRequest? request;
        bool setsEnvironment;
        lock (_gate)
        {
            (listener, request, setsEnvironment) = (_proxy, _proxyRequest, _proxySetsEnvironment);
        }

        var otherProxies = ProxyRegistry.ListRunning(Runtime.Paths)
            .Where(p => !p.IsThisProcess)
            .Select(p => new TokentapOtherProxy(p.ProcessId, p.Port, $"http://127.0.0.1:{p.Port}", p.Session, p.StartedUtc.ToLocalTime()))
            .ToList();
        if (listener is null)
        {
            var demo = DemoStatus();
            return new TokentapStatus
            {
                Demo = demo.Demo,
                DemoPreset = demo.Preset,
                DemoSeed = demo.Seed,
                RecentErrors = demo.Error is null ? [] : [demo.Error],
                CaCertificatePath = CaCertificatePath,
                BundlePath = CaBundlePath,
                DatabasePath = DatabasePath,
                InterceptHosts = InterceptHostList.Default.Patterns,
                OtherProxies = otherProxies,
                WriteFailing = Runtime.WriteFailing,
                LastWriteError = Runtime.LastWriteError,
                DecodeBudgetUsedBytes = Runtime.DecodeBudgetUsedBytes,
                DecodeBudgetCapBytes = Runtime.DecodeBudgetCapBytes,
                Export = ExportForStatus(),
                ContentCapture = ContentCaptureSetting(),
            };
        }

        var recorder = Runtime.Recorder?.Status;
        var session = listener.Tags.Session;
        return new TokentapStatus
        {
            Running = listener.IsRunning,
            Port = listener.Port,
            ProxyUrl = listener.ProxyUrl,
            OtherProxies = otherProxies,
            Session = session,
            StartTime = listener.StartedUtc.ToLocalTime(),
            Uptime = DateTime.UtcNow - listener.StartedUtc,
            EventsCaptured = Runtime.CapturedEvents(session),
            EventsPending = recorder?.Pending ?? 0,
            EventsDropped = (recorder?.Dropped ?? 0) + (recorder?.Abandoned ?? 0),
            Requests = listener.Server.Statistics.Exchanges + listener.Server.Statistics.Tunnels,
            Failures = Runtime.FailureCount(),
            WriteFailing = Runtime.WriteFailing,
            LastWriteError = Runtime.LastWriteError,
            DecodeBudgetUsedBytes = Runtime.DecodeBudgetUsedBytes,
            DecodeBudgetCapBytes = Runtime.DecodeBudgetCapBytes,
            RecentErrors = Runtime.RecentErrors(),
            UnpricedModels = Runtime.UnpricedModels(),
            InterceptHosts = listener.Server.Options.InterceptHosts.Patterns,
            UnreadableHosts = Runtime.Observer?.UnreadableHosts ?? new Dictionary<string, long>(),
            CaCertificatePath = CaCertificatePath,
            BundlePath = CaBundlePath,
            DatabasePath = DatabasePath,
            UpstreamProxy = request?.UpstreamProxy?.ToString(),
            EnvironmentApplied = setsEnvironment,
            Export = ExportForStatus(),
            ContentCapture = Runtime.Content is not null,
        };
    }

    /// <summary>Starts a listener; engine failures become PortInUse or StartFailed; null when cancelled.</summary>
    private ProxyListener? StartListener(ListenerRequest request, string target, CancellationToken cancellationToken)
    {
        try
        {
            return Runtime.StartListenerAsync(request, cancellationToken).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception ex) when (EngineFailures.Start(ex, request.Port, target) is { } failure)
        {
            throw failure;
        }
    }

    private static void ReportStart(ProxyListener listener, ITokentapMessages messages)
    {
        switch (listener.AuthorityState)
        {
            case CertificateAuthorityState.Created:
                messages.WriteHostLine($"Created your Tokentap certificate authority: {listener.Authority.CertificatePath}");
                break;
            case CertificateAuthorityState.Reissued:
            case CertificateAuthorityState.Replaced:
                messages.WriteWarning(listener.AuthorityMessage + (listener.AuthorityPreviousThumbprint is null ? "" : " If you ran Install-TokentapCertificate, run it again to trust the new certificate."));
                break;
        }

        if (listener.Port != listener.RequestedPort && listener.RequestedPort != 0)
        {
            messages.WriteWarning($"Port {listener.RequestedPort} is in use; Tokentap listens on port {listener.Port} instead ({listener.ProxyUrl}).");
        }
    }

    /// <summary>The HTTPS_PROXY this process already had, unless it points at a Tokentap (which would count twice).</summary>
    private Uri? InheritedUpstreamProxy(ITokentapMessages messages)
    {
        var existing = Environment.GetEnvironmentVariable("HTTPS_PROXY") ?? Environment.GetEnvironmentVariable("https_proxy");
        if (string.IsNullOrWhiteSpace(existing))
        {
            return null;
        }

        if (!Uri.TryCreate(existing.Contains("://", StringComparison.Ordinal) ? existing : "http://" + existing, UriKind.Absolute, out var uri))
        {
            messages.WriteWarning($"Ignoring HTTPS_PROXY '{existing}': it is not a proxy URL.");
            return null;
        }

        var tokentap = ProxyRegistry.ListRunning(Runtime.Paths).FirstOrDefault(p => p.Port == uri.Port && uri.IsLoopback);
        if (tokentap is not null)
        {
            messages.WriteWarning($"HTTPS_PROXY already points at a Tokentap proxy (process {tokentap.ProcessId}, port {tokentap.Port}); not chaining to it, so nothing is counted twice.");
            return null;
        }

        messages.WriteVerbose($"Upstream traffic goes through the session's previous proxy {uri}.");
        return uri;
    }

    /// <summary>The totals of the events tagged with the session since it started; store failures classified.</summary>
    private TokentapSessionReport SessionReport(string session, DateTime startedUtc, string? command = null, int? exitCode = null)
    {
        try
        {
            return SessionReports.Build(Runtime.Store, session, startedUtc, DateTime.UtcNow - startedUtc, command, exitCode);
        }
        catch (Exception ex) when (EngineFailures.Store(ex, DatabasePath) is { } failure)
        {
            throw failure;
        }
    }
}
