// The one engine surface the module uses: use-case methods that take and return contract types (Tokentap.Contracts).
using Tokentap.Engine.Hosting;

namespace Tokentap.Engine.Facade;

/// <summary>
/// The engine for one data folder in one process. Each capability adds its use cases in its own partial file
/// (TokentapEngine.Proxy.cs, TokentapEngine.Usage.cs, ...); the module calls nothing else in the engine. Failures
/// reach the caller as <see cref="TokentapException"/> (classified in <see cref="EngineFailures"/>); messages for the
/// user go to the <see cref="ITokentapMessages"/> a call is given, on the caller's thread. <see cref="Dispose"/> is the
/// one shutdown path: stop the proxies, flush the recorder, close the store.
/// </summary>
public sealed partial class TokentapEngine : IDisposable
{
    private readonly object _gate = new();

    public TokentapEngine(TokentapPaths paths)
    {
        Runtime = new TokentapRuntime(paths);
    }

    /// <summary>The engine for the data folder $TOKENTAP_HOME names (default ~/.tokentap).</summary>
    public static TokentapEngine ForEnvironment() => new(TokentapPaths.FromEnvironment());

    /// <summary>The data folder $TOKENTAP_HOME names now (the folder <see cref="ForEnvironment"/> would open).</summary>
    public static string HomeFromEnvironment() => TokentapPaths.FromEnvironment().Home;

    /// <summary>The data folder this engine serves.</summary>
    public string Home => Runtime.Paths.Home;

    /// <summary>The usage database file.</summary>
    public string DatabasePath => Runtime.Paths.DatabasePath;

    /// <summary>True when no proxy, dashboard or demo traffic of this engine runs (nothing would be cut by disposing it).</summary>
    public bool IsIdle => Runtime.Listeners.Count == 0 && GetDashboard() is null && !DemoRunning;

    /// <summary>The runtime behind the facade: for the facade's partial files and the engine's own tests only.</summary>
    internal TokentapRuntime Runtime { get; }

    /// <summary>
    /// What the engine wants the user to know, each message once, oldest first: unknown prices, a bad prices.json, a
    /// damaged database moved aside, recording failures.
    /// </summary>
    public IReadOnlyList<string> DrainNotices() => Runtime.DrainNotices();

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for the events this process captured but has not committed yet, so a
    /// query right after an agent's call includes it; a failing disk never holds the caller longer.
    /// </summary>
    public void CatchUp(TimeSpan timeout) => Runtime.FlushAsync().Wait(timeout);

    public void Dispose()
    {
        StopDashboard();
        lock (_gate)
        {
            _proxy = null;
        }

        StopDemo();
        Runtime.Dispose();
    }
}
