// Facade use case of demo mode: a separate demo store filled with synthetic traffic that keeps growing while it runs.
using Tokentap.Engine.Demo;

namespace Tokentap.Engine.Facade;

public sealed partial class TokentapEngine
{
    /// <summary>The folder of the demo store inside a data folder.</summary>
    public const string DemoFolder = "demo";

    private DemoRunner? _demo;
    private TokentapDemoPreset _demoPreset;
    private int _demoSeed;

    private TimeProvider _demoClock = TimeProvider.System;

    /// <summary>True for an engine opened by <see cref="ForDemo"/>: its data folder is the demo folder, never the real one.</summary>
    public bool IsDemo { get; private init; }

    /// <summary>True while demo traffic is being generated (<see cref="StartDemo"/> until <see cref="StopDemo"/>).</summary>
    public bool DemoRunning
    {
        get
        {
            lock (_gate)
            {
                return _demo is not null;
            }
        }
    }

    /// <summary>The engine for the demo store of the data folder $TOKENTAP_HOME names: &lt;home&gt;/demo.</summary>
    public static TokentapEngine ForDemo() => ForDemo(HomeFromEnvironment());

    /// <summary>The engine for the demo store of a data folder: &lt;home&gt;/demo.</summary>
    public static TokentapEngine ForDemo(string home) => ForDemo(home, TimeProvider.System);

    /// <summary>The demo engine of a data folder with the clock its history ends at and its live requests are stamped by (tests).</summary>
    internal static TokentapEngine ForDemo(string home, TimeProvider clock) =>
        new(new TokentapPaths(Path.Combine(home, DemoFolder))) { IsDemo = true, _demoClock = clock };

    /// <summary>
    /// Replaces the demo store's events with <see cref="DemoTraffic.HistoryDays"/> days of synthetic traffic for
    /// <paramref name="preset"/> (the same <paramref name="seed"/> gives the same events; null: a random seed, reported on
    /// <paramref name="messages"/>), then writes live requests in the background until <see cref="StopDemo"/> or
    /// <see cref="Dispose"/>. Refused (NotDemoStore) on an engine not opened by <see cref="ForDemo"/>; a second call
    /// while it runs changes nothing. Returns the number of history events.
    /// </summary>
    public long StartDemo(TokentapDemoPreset preset, int? seed, ITokentapMessages messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (!IsDemo)
        {
            throw EngineFailures.Refused("NotDemoStore", TokentapErrorCategory.InvalidOperation, $"Demo traffic is only written to a demo store, not to {DatabasePath}.", DatabasePath);
        }

        if (DemoRunning)
        {
            return 0;
        }

        var chosen = seed ?? Random.Shared.Next();
        var traffic = new DemoTraffic(chosen, preset, Runtime.Prices);
        var history = traffic.History(_demoClock.GetUtcNow().UtcDateTime);
        Store(store =>
        {
            store.Remove(DateTime.MaxValue);
            return store.Import(history);
        });
        lock (_gate)
        {
            (_demoPreset, _demoSeed) = (preset, chosen);
            _demo = new DemoRunner(traffic, Runtime.Store, _demoClock);
        }

        messages.WriteVerbose($"Demo store {DatabasePath}: {history.Count:N0} synthetic requests of the last {DemoTraffic.HistoryDays} days ({preset}, seed {chosen}); live requests follow while the demo runs.");
        return history.Count;
    }

    /// <summary>Stops the live demo traffic; false when none ran. The demo store keeps its events.</summary>
    public bool StopDemo()
    {
        DemoRunner? demo;
        lock (_gate)
        {
            demo = _demo;
            _demo = null;
        }

        demo?.Dispose();
        return demo is not null;
    }

    /// <summary>The demo part of a status: the preset and seed while demo traffic runs.</summary>
    private (bool Demo, TokentapDemoPreset? Preset, int? Seed, string? Error) DemoStatus()
    {
        lock (_gate)
        {
            return _demo is null ? (IsDemo, null, null, null) : (true, _demoPreset, _demoSeed, _demo.LastError);
        }
    }
}
