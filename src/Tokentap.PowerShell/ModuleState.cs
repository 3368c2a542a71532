// Process-wide module state: the engine runtime for the current TOKENTAP_HOME and the Start-Tokentap session.
using Tokentap.Engine;
using Tokentap.Engine.Facade;
using Tokentap.Engine.Session;

namespace Tokentap.PowerShell;

/// <summary>
/// The proxy lives here, not in a runspace, so Stop-, Get- and Remove-Module reach it from any command. Stop,
/// Remove-Module and process exit all end in <see cref="Shutdown"/>.
/// </summary>
internal static class ModuleState
{
    private static readonly object Gate = new();
    private static TokentapEngine? s_engine;
    private static ActiveSession? s_session;
    private static bool s_exitHooked;

    /// <summary>The engine for $TOKENTAP_HOME; reopened when the variable changed and nothing is running.</summary>
    public static TokentapEngine Engine
    {
        get
        {
            lock (Gate)
            {
                var paths = TokentapPaths.FromEnvironment();
                if (s_engine is not null && s_engine.Home != paths.Home && s_session is null && s_engine.Runtime.Listeners.Count == 0)
                {
                    s_engine.Dispose();
                    s_engine = null;
                }

                if (s_engine is null)
                {
                    s_engine = new TokentapEngine(paths);
                    if (!s_exitHooked)
                    {
                        AppDomain.CurrentDomain.ProcessExit += (_, _) => Shutdown();
                        s_exitHooked = true;
                    }
                }

                return s_engine;
            }
        }
    }

    /// <summary>The runtime for $TOKENTAP_HOME (transitional: cmdlets move to <see cref="Engine"/>).</summary>
    public static TokentapRuntime Runtime => Engine.Runtime;

    /// <summary>The runtime if one is open, without opening one.</summary>
    public static TokentapRuntime? OpenRuntime
    {
        get
        {
            lock (Gate)
            {
                return s_engine?.Runtime;
            }
        }
    }

    /// <summary>The engine if one is open, without opening one.</summary>
    public static TokentapEngine? OpenEngine
    {
        get
        {
            lock (Gate)
            {
                return s_engine;
            }
        }
    }

    /// <summary>The Start-Tokentap session, or null.</summary>
    public static ActiveSession? Session
    {
        get
        {
            lock (Gate)
            {
                return s_session;
            }
        }
    }

    /// <summary>Records the running session.</summary>
    public static void SetSession(ActiveSession session)
    {
        lock (Gate)
        {
            s_session = session;
        }
    }

    /// <summary>Stops the session: listener stopped, events flushed, environment restored. Returns it, or null.</summary>
    public static ActiveSession? EndSession()
    {
        ActiveSession? session;
        lock (Gate)
        {
            session = s_session;
            s_session = null;
        }

        if (session is null)
        {
            return null;
        }

        try
        {
            session.Listener.StopAsync().GetAwaiter().GetResult();
            s_engine?.Runtime.FlushAsync().Wait(TimeSpan.FromSeconds(10));
        }
        finally
        {
            session.Environment?.Restore();
        }

        return session;
    }

    /// <summary>The one shutdown path: end the session and close the runtime (flushing the store).</summary>
    public static void Shutdown()
    {
        try
        {
            EndSession();
        }
        finally
        {
            lock (Gate)
            {
                s_engine?.Dispose();
                s_engine = null;
            }
        }
    }
}
