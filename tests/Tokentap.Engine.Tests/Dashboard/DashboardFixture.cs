// A dashboard server over a temporary store seeded with the live-view test events, on a fixed clock.
using Tokentap.Engine.Dashboard;
using Tokentap.Engine.Pricing;
using Tokentap.Engine.Tests.Live;
using Tokentap.Engine.Tests.Usage;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Dashboard;

internal sealed class DashboardFixture : IDisposable
{
    public const string Token = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private readonly TempStore _temp = new();

    public DashboardFixture(bool seed = true, TimeProvider? time = null)
    {
        if (seed)
        {
            _temp.Store.Write(LiveEvents.All);
        }

        Paths = new TokentapPaths(_temp.Folder);
        Server = new DashboardServer(_temp.Store, PriceTable.Load(Paths), Paths, budgets: null, port: 0, time ?? new ManualTimeProvider(LiveEvents.Now, TimeZoneInfo.Utc), Token);
        Server.Start();
    }

    public TokentapPaths Paths { get; }

    public DashboardServer Server { get; }

    public UsageStore Store => _temp.Store;

    public int Port => Server.Port;

    public string Host => $"127.0.0.1:{Port}";

    public string Cookie => $"Cookie: tokentap_dashboard_{Port}={Token}";

    /// <summary>An authorised GET from the page's own origin.</summary>
    public Task<RawHttpResponse> GetAsync(string target, params string[] headers) =>
        RawHttp.SendAsync(Port, "GET", target, Host, [Cookie, .. headers]);

    public void Dispose()
    {
        Server.Dispose();
        _temp.Dispose();
    }
}
