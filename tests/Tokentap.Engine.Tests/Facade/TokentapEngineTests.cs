// The facade's use cases as the module calls them: contract types in and out, failures as TokentapException.
using Tokentap.Engine.Facade;
using Tokentap.Engine.Tests.Usage;
using Tokentap.Engine.Trust;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Facade;

public sealed class TokentapEngineTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("tt-facade-").FullName;
    private readonly TokentapEngine _engine;
    private readonly RecordedMessages _messages = new();

    public TokentapEngineTests() => _engine = new TokentapEngine(new TokentapPaths(_home));

    public void Dispose()
    {
        _engine.Dispose();
        Directory.Delete(_home, recursive: true);
    }

    [Fact]
    public void Environment_without_a_port_or_a_running_proxy_is_refused_as_NotRunning()
    {
        var failure = Assert.Throws<TokentapException>(() => _engine.GetEnvironment(null, _messages));

        Assert.Equal("NotRunning", failure.ErrorId);
        Assert.Equal(TokentapErrorCategory.ObjectNotFound, failure.Category);
        Assert.True(failure.StopsCommand);
    }

    [Fact]
    public void A_proxy_starts_reports_its_status_and_stops_with_an_empty_report()
    {
        var status = _engine.StartProxy(new ProxyStartRequest { Port = 0, Session = "facade-test" }, _messages);

        Assert.NotNull(status);
        Assert.True(status.Running);
        Assert.Equal("facade-test", status.Session);
        Assert.Equal($"http://127.0.0.1:{status.Port}", status.ProxyUrl);
        Assert.Equal(status.ProxyUrl, _engine.ProxyUrl);
        Assert.Equal(Path.Combine(_home, "ca", "ca.pem"), status.CaCertificatePath);
        Assert.Equal([$"Created your Tokentap certificate authority: {Path.Combine(_home, "ca", "ca.pem")}"], _messages.HostLines);
        Assert.Equal(status.ProxyUrl, _engine.GetEnvironment(null, _messages).Single(v => v.Name == "HTTPS_PROXY").Value);
        Assert.False(_engine.IsIdle);

        var report = _engine.StopProxy();

        Assert.NotNull(report);
        Assert.Equal("facade-test", report.Session);
        Assert.Equal(0, report.Requests);
        Assert.Equal(0m, report.Cost);
        Assert.Null(_engine.ProxyUrl);
        Assert.True(_engine.IsIdle);
        Assert.Null(_engine.StopProxy());
    }

    [Fact]
    public void A_taken_port_without_fallback_is_PortInUse()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        var failure = Assert.Throws<TokentapException>(() => _engine.StartProxy(new ProxyStartRequest { Port = port }, _messages));

        Assert.Equal("PortInUse", failure.ErrorId);
        Assert.Equal(TokentapErrorCategory.ResourceUnavailable, failure.Category);
        Assert.Equal(port, failure.Target);
        Assert.True(failure.StopsCommand);
        Assert.Null(_engine.ProxyUrl);
    }

    [Fact]
    public void A_folder_where_the_database_belongs_fails_the_start_with_a_clear_error_and_nothing_runs()
    {
        var folder = Path.Combine(_home, "usage.db");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "keep.txt"), "mine");

        var failure = Assert.Throws<TokentapException>(() => _engine.StartProxy(new ProxyStartRequest { Port = 0 }, _messages));

        Assert.Equal($"The usage database '{folder}' is a folder, not a file. Move the folder away (or set TOKENTAP_HOME to another folder) and try again; nothing in it was changed.", failure.Message);
        Assert.True(failure.StopsCommand);
        Assert.Null(_engine.ProxyUrl);
        Assert.True(_engine.IsIdle);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(folder, "keep.txt")));
    }

    [Fact]
    public void Piped_events_are_removed_only_where_the_filter_matches()
    {
        _engine.Runtime.Store.Write(SampleEvents.All);
        var piped = _engine.GetUsage(UsageFilter.All).ToList();
        var codex = new UsageFilter { App = ["co*"] };

        Assert.Equal(8, piped.Count);
        Assert.Equal(2, _engine.RemoveUsage(piped, codex, dryRun: true));
        Assert.Equal(2, _engine.RemoveUsage(piped, codex));
        Assert.Equal([1, 2, 5, 6, 7, 8], _engine.GetUsage(UsageFilter.All).Select(SampleEvents.NumberOf).ToArray());
        Assert.Equal(0, _engine.RemoveUsage(piped, codex));
    }

    [Fact]
    public void An_unknown_time_zone_is_refused_before_the_store_is_read()
    {
        var failure = Assert.Throws<TokentapException>(() => _engine.GetSummary(UsageFilter.All, [UsageGroupBy.Day], "Nowhere/Else"));

        Assert.Equal("TimeZoneNotFound", failure.ErrorId);
        Assert.Equal(TokentapErrorCategory.InvalidArgument, failure.Category);
        Assert.Equal("Nowhere/Else", failure.Target);
    }

    [Fact]
    public void Bad_start_requests_are_refused_before_anything_starts()
    {
        var host = Assert.Throws<TokentapException>(() => TokentapEngine.CheckStartRequest(new ProxyStartRequest { InterceptHosts = ["api.example.com=cobol"] }));
        var caFile = Path.Combine(_home, "missing.pem");
        var ca = Assert.Throws<TokentapException>(() => TokentapEngine.CheckStartRequest(new ProxyStartRequest { UpstreamCaFile = caFile }));
        var map = new Dictionary<string, string> { ["api.example.com"] = "ftp://gateway" };
        var upstream = Assert.Throws<TokentapException>(() => TokentapEngine.ParseUpstreamOverrides(map));

        Assert.Equal(("InvalidInterceptHost", TokentapErrorCategory.InvalidArgument, (object)"api.example.com=cobol"), (host.ErrorId, host.Category, host.Target!));
        Assert.Equal(("UpstreamCaFileNotFound", TokentapErrorCategory.ObjectNotFound, (object)caFile), (ca.ErrorId, ca.Category, ca.Target!));
        Assert.Equal(("InvalidUpstreamOverride", TokentapErrorCategory.InvalidArgument), (upstream.ErrorId, upstream.Category));
        Assert.Equal(new Uri("https://gw.example/"), TokentapEngine.ParseUpstreamOverrides(new Dictionary<string, string> { ["API.example.com"] = "https://gw.example/" })["api.example.com"]);
    }

    [Fact]
    public void Store_start_and_trust_failures_map_to_stable_ids_in_one_place()
    {
        var busy = EngineFailures.Store(new UsageStoreBusyException("/x/usage.db", TimeSpan.FromSeconds(10)), "/x/usage.db")!;
        var port = EngineFailures.Start(new System.Net.Sockets.SocketException(98), 8080, "127.0.0.1:8080")!;
        var elevation = EngineFailures.Trust(new TrustStoreException("run sudo", needsElevation: true), CertificateStoreScope.LocalMachine)!;
        var noStore = EngineFailures.Trust(new TrustStoreException("no trust store"), null)!;

        Assert.Equal(("DatabaseBusy", TokentapErrorCategory.ResourceBusy, false), (busy.ErrorId, busy.Category, busy.StopsCommand));
        Assert.IsType<UsageStoreBusyException>(busy.InnerException);
        Assert.Equal(("PortInUse", TokentapErrorCategory.ResourceUnavailable, true), (port.ErrorId, port.Category, port.StopsCommand));
        Assert.Equal(("ElevationRequired", TokentapErrorCategory.PermissionDenied, false), (elevation.ErrorId, elevation.Category, elevation.StopsCommand));
        Assert.Equal("run sudo", elevation.Message);
        Assert.Equal(("TrustStoreNotFound", TokentapErrorCategory.NotInstalled, true), (noStore.ErrorId, noStore.Category, noStore.StopsCommand));
        Assert.Null(EngineFailures.Store(new InvalidCastException(), "/x/usage.db"));
    }

    /// <summary>What a facade call said, by kind.</summary>
    private sealed class RecordedMessages : ITokentapMessages
    {
        public List<string> Warnings { get; } = new();

        public List<string> HostLines { get; } = new();

        public void WriteWarning(string text) => Warnings.Add(text);

        public void WriteVerbose(string text)
        {
        }

        public void WriteHostLine(string text) => HostLines.Add(text);
    }
}
