// Show-TokenUsageDashboard, Stop-TokenUsageDashboard and Start-Tokentap -Dashboard in the hosted module.
using System.Net;
using System.Net.Sockets;
using Tokentap;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class DashboardCommandTests(ModuleFixture module) : IDisposable
{
    public void Dispose() => module.Run("$null = Stop-TokenUsageDashboard -WarningAction SilentlyContinue");

    [Fact]
    public async Task Show_prints_the_address_returns_it_and_reuses_the_running_dashboard()
    {
        var result = module.Run("Show-TokenUsageDashboard -Port 0 -NoBrowser -PassThru 6>&1");
        var dashboard = Assert.Single(result.ThrowIfFailed().Output.Select(o => o.BaseObject).OfType<TokentapDashboard>());

        Assert.Matches($"^http://127\\.0\\.0\\.1:{dashboard.Port}/\\?token=[0-9a-f]{{64}}$", dashboard.Url);
        Assert.Equal(module.Home, dashboard.Home);
        Assert.Contains(result.Output, o => o.ToString() == $"Tokentap dashboard: {dashboard.Url}");
        Assert.Empty(result.Warnings);
        Assert.Equal(dashboard.Url, module.Run("Show-TokenUsageDashboard -NoBrowser -PassThru").Single<TokentapDashboard>().Url);

        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        var exchange = await http.GetAsync(dashboard.Url);
        Assert.Equal(HttpStatusCode.SeeOther, exchange.StatusCode);
        var cookie = exchange.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        using var overview = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{dashboard.Port}/api/overview?tz=UTC");
        overview.Headers.Add("Cookie", cookie);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(overview)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync($"http://127.0.0.1:{dashboard.Port}/api/overview")).StatusCode);
    }

    [Fact]
    public void Without_a_desktop_session_the_address_is_printed_with_a_warning_saying_why()
    {
        var result = module.Run("""
            $saved = $env:DISPLAY, $env:WAYLAND_DISPLAY
            $env:DISPLAY = $null; $env:WAYLAND_DISPLAY = $null
            try { Show-TokenUsageDashboard -Port 0 6>&1 } finally { $env:DISPLAY, $env:WAYLAND_DISPLAY = $saved }
            """).ThrowIfFailed();

        Assert.StartsWith("Tokentap dashboard: http://127.0.0.1:", Assert.Single(result.Output).ToString());
        Assert.Equal(["There is no graphical session here (DISPLAY and WAYLAND_DISPLAY are not set). Open the address above in a browser on this computer."], result.Warnings);
    }

    [Fact]
    public void WhatIf_starts_nothing_and_Stop_stops_it_then_warns()
    {
        module.Run("Show-TokenUsageDashboard -Port 0 -NoBrowser -WhatIf").ThrowIfFailed();
        Assert.Equal(["The Tokentap dashboard is not running in this session."], module.Run("Stop-TokenUsageDashboard").ThrowIfFailed().Warnings);

        var dashboard = module.Run("Show-TokenUsageDashboard -Port 0 -NoBrowser -PassThru").Single<TokentapDashboard>();
        var stopped = module.Run("Stop-TokenUsageDashboard -PassThru").Single<TokentapDashboard>();

        Assert.Equal(dashboard.Url, stopped.Url);
        Assert.Throws<SocketException>(() => new TcpClient("127.0.0.1", dashboard.Port).Dispose());
    }

    [Fact]
    public void A_taken_port_is_a_PortInUse_error()
    {
        using var blocker = new TcpListener(IPAddress.Loopback, 0);
        blocker.Start();
        var port = ((IPEndPoint)blocker.LocalEndpoint).Port;

        var result = module.Run("Show-TokenUsageDashboard -NoBrowser -Port $args[0]", port);

        var error = Assert.Single(result.Errors);
        Assert.Equal("PortInUse,Tokentap.PowerShell.Commands.ShowTokenUsageDashboardCommand", error.FullyQualifiedErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.ResourceUnavailable, error.CategoryInfo.Category);
        Assert.Equal(port, error.TargetObject);
    }

    [Fact]
    public void Start_Tokentap_Dashboard_starts_it_and_Stop_Tokentap_stops_both()
    {
        var result = module.Run("""
            $saved = $env:DISPLAY, $env:WAYLAND_DISPLAY
            $env:DISPLAY = $null; $env:WAYLAND_DISPLAY = $null
            try { Start-Tokentap -Port 0 -NoEnvironment -Dashboard -PassThru 6>&1 } finally { $env:DISPLAY, $env:WAYLAND_DISPLAY = $saved }
            """).ThrowIfFailed();
        var status = Assert.Single(result.Output.Select(o => o.BaseObject).OfType<TokentapStatus>());
        var line = Assert.Single(result.Output, o => o.ToString()!.StartsWith("Tokentap dashboard: ", StringComparison.Ordinal)).ToString()!;
        var port = new Uri(line["Tokentap dashboard: ".Length..]).Port;
        new TcpClient("127.0.0.1", port).Dispose();

        module.Run("$null = Stop-Tokentap").ThrowIfFailed();

        Assert.Throws<SocketException>(() => new TcpClient("127.0.0.1", port).Dispose());
        Assert.Throws<SocketException>(() => new TcpClient("127.0.0.1", status.Port).Dispose());
        Assert.Equal(["The Tokentap dashboard is not running in this session."], module.Run("Stop-TokenUsageDashboard").Warnings);
    }

    [Fact]
    public async Task Show_Demo_starts_demo_mode_and_serves_its_data_and_Stop_Tokentap_ends_both()
    {
        try
        {
            var dashboard = module.Run("Show-TokenUsageDashboard -Demo -DemoPreset Light -Seed 7 -Port 0 -NoBrowser -PassThru").ThrowIfFailed().Single<TokentapDashboard>();
            var status = module.Run("Get-Tokentap").Single<TokentapStatus>();
            Assert.True(status is { Demo: true, DemoSeed: 7, Running: false });
            Assert.Equal(Path.Combine(module.Home, "demo"), dashboard.Home);

            // The page's figures are the demo store's: its 30-day request count is the demo store's count over the same
            // span (demo mode keeps adding requests, so it lies between the counts taken before and after).
            using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
            var cookie = (await http.GetAsync(dashboard.Url)).Headers.GetValues("Set-Cookie").Single().Split(';')[0];
            using var overview = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{dashboard.Port}/api/overview?tz=UTC");
            overview.Headers.Add("Cookie", cookie);
            var first = System.Text.Json.JsonDocument.Parse(await (await http.SendAsync(overview)).Content.ReadAsStringAsync()).RootElement;
            var window = first.GetProperty("windows").EnumerateArray().Single(w => w.GetProperty("name").GetString() == "30d");
            var since = window.GetProperty("since").GetDateTimeOffset();
            var count = "@(Get-TokenUsage -Since $args[0]).Count";
            var before = module.Run(count, since.UtcDateTime).Single<int>();
            Assert.True(before > 100, $"{before} demo requests in 30 days");
            var fresh = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{dashboard.Port}/api/overview?tz=UTC");
            fresh.Headers.Add("Cookie", cookie);
            var shown = System.Text.Json.JsonDocument.Parse(await (await http.SendAsync(fresh)).Content.ReadAsStringAsync()).RootElement
                .GetProperty("windows").EnumerateArray().Single(w => w.GetProperty("name").GetString() == "30d").GetProperty("requests").GetInt64();
            var after = module.Run(count, since.UtcDateTime).Single<int>();
            Assert.InRange(shown, before, after);

            module.Run("Stop-Tokentap").ThrowIfFailed();
            Assert.False(module.Run("Get-Tokentap").Single<TokentapStatus>().Demo);
            Assert.Throws<SocketException>(() => new TcpClient("127.0.0.1", dashboard.Port).Dispose());
        }
        finally
        {
            module.Run("Stop-Tokentap -WarningAction SilentlyContinue");
        }
    }
}
