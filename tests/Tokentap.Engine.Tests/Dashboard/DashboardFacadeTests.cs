// The facade's dashboard use cases: start or reuse, a taken port, stop, and the engine's shutdown stopping it.
using System.Net;
using System.Net.Sockets;
using Tokentap.Engine.Facade;

namespace Tokentap.Engine.Tests.Dashboard;

public sealed class DashboardFacadeTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("tt-dash-").FullName;
    private readonly TokentapEngine _engine;

    public DashboardFacadeTests() => _engine = new TokentapEngine(new TokentapPaths(_home));

    public void Dispose()
    {
        _engine.Dispose();
        Directory.Delete(_home, recursive: true);
    }

    [Fact]
    public async Task Start_reuses_a_running_dashboard_and_stop_closes_it()
    {
        var started = _engine.StartDashboard(0);
        var again = _engine.StartDashboard(null);

        Assert.Equal(started.Url, again.Url);
        Assert.Matches($"^http://127\\.0\\.0\\.1:{started.Port}/\\?token=[0-9a-f]{{64}}$", started.Url);
        Assert.Equal(_home, started.Home);
        Assert.False(_engine.IsIdle);
        Assert.Equal(303, (await RawHttp.SendAsync(started.Port, "GET", new Uri(started.Url).PathAndQuery, $"127.0.0.1:{started.Port}")).Status);

        var stopped = _engine.StopDashboard();

        Assert.Equal(started.Url, stopped!.Url);
        Assert.Null(_engine.GetDashboard());
        Assert.Null(_engine.StopDashboard());
        Assert.True(_engine.IsIdle);
        await Assert.ThrowsAnyAsync<SocketException>(() => RawHttp.SendAsync(started.Port, "GET", "/", $"127.0.0.1:{started.Port}"));
    }

    [Fact]
    public void A_new_start_has_a_new_token()
    {
        var first = _engine.StartDashboard(0);
        _engine.StopDashboard();
        var second = _engine.StartDashboard(0);

        Assert.NotEqual(new Uri(first.Url).Query, new Uri(second.Url).Query);
    }

    [Fact]
    public void A_taken_port_asked_for_is_PortInUse()
    {
        using var blocker = new TcpListener(IPAddress.Loopback, 0);
        blocker.Start();
        var taken = ((IPEndPoint)blocker.LocalEndpoint).Port;

        var failure = Assert.Throws<TokentapException>(() => _engine.StartDashboard(taken));

        Assert.Equal("PortInUse", failure.ErrorId);
        Assert.Equal(TokentapErrorCategory.ResourceUnavailable, failure.Category);
        Assert.Equal(taken, failure.Target);
        Assert.Null(_engine.GetDashboard());
    }

    [Fact]
    public void Asking_for_another_port_while_one_runs_is_DashboardRunning()
    {
        var running = _engine.StartDashboard(0);

        var failure = Assert.Throws<TokentapException>(() => _engine.StartDashboard(running.Port == 65000 ? 65001 : 65000));

        Assert.Equal("DashboardRunning", failure.ErrorId);
        Assert.True(failure.StopsCommand);
        Assert.Equal(running.Port, failure.Target);
    }

    [Fact]
    public async Task Disposing_the_engine_stops_the_dashboard()
    {
        var started = _engine.StartDashboard(0);

        _engine.Dispose();

        await Assert.ThrowsAnyAsync<SocketException>(() => RawHttp.SendAsync(started.Port, "GET", "/", $"127.0.0.1:{started.Port}"));
    }
}
