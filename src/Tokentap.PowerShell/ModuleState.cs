// Process-wide module state: the engine for TOKENTAP_HOME and the variables Start-Tokentap set in this process.
using Tokentap.Engine.Facade;

namespace Tokentap.PowerShell;

/// <summary>
/// The proxy lives here, not in a runspace, so Stop-, Get- and Remove-Module reach it from any command. Remove-Module
/// and process exit end in <see cref="Shutdown"/>, the one hook on ProcessExit; Stop-Tokentap takes the same steps for
/// the proxy alone (<see cref="StopSession"/>). The engine is reopened for a changed $TOKENTAP_HOME only by
/// <see cref="ReopenIfHomeChanged"/>, which each cmdlet calls as it begins, and only while nothing runs: a getter never
/// disposes an engine a caller may hold.
/// </summary>
internal static class ModuleState
{
    private static readonly object Gate = new();
    private static TokentapEngine? s_engine;
    private static EnvironmentBackup? s_environment;
    private static bool s_exitHooked;

    /// <summary>The engine, opened for $TOKENTAP_HOME on first use.</summary>
    public static TokentapEngine Engine
    {
        get
        {
            lock (Gate)
            {
                if (s_engine is null)
                {
                    s_engine = TokentapEngine.ForEnvironment();
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

    /// <summary>
    /// Puts <paramref name="engine"/> (demo mode's) in place of the open engine, closing that one, which the caller has
    /// checked runs nothing. It serves every command until it is idle again; then the next command reopens
    /// $TOKENTAP_HOME's engine (<see cref="ReopenIfHomeChanged"/>: its folder differs).
    /// </summary>
    public static void UseEngine(TokentapEngine engine)
    {
        lock (Gate)
        {
            s_engine?.Dispose();
            s_engine = engine;
            if (!s_exitHooked)
            {
                AppDomain.CurrentDomain.ProcessExit += (_, _) => Shutdown();
                s_exitHooked = true;
            }
        }
    }

    /// <summary>Closes the engine when $TOKENTAP_HOME now names another folder and no proxy runs; the next use opens the new one.</summary>
    public static void ReopenIfHomeChanged()
    {
        lock (Gate)
        {
            if (s_engine is not null && s_environment is null && s_engine.IsIdle && s_engine.Home != TokentapEngine.HomeFromEnvironment())
            {
                s_engine.Dispose();
                s_engine = null;
            }
        }
    }

    /// <summary>
    /// A proxy started in this session: sets its variables (unless <paramref name="variables"/> is null) and puts the
    /// budget-alert check in front of the prompt (<see cref="BudgetAlerts.WrapPrompt"/>).
    /// </summary>
    public static void BeginSession(IReadOnlyList<TokentapEnvironmentVariable>? variables, TokentapCmdlet cmdlet)
    {
        if (variables is not null)
        {
            ApplyEnvironment(variables, cmdlet);
        }

        BudgetAlerts.WrapPrompt(cmdlet);
        TokentapEngine.MarkStartStep("session begun");
    }

    /// <summary>Sets the session's variables for this process, remembering what they replace until the proxy stops.</summary>
    public static void ApplyEnvironment(IReadOnlyList<TokentapEnvironmentVariable> variables, ITokentapMessages messages)
    {
        var environment = new EnvironmentBackup();
        lock (Gate)
        {
            s_environment = environment;
        }

        environment.Apply(variables);
        messages.WriteVerbose($"Set {environment.Names.Count} variables for this session: {string.Join(", ", environment.Names)}.");
    }

    /// <summary>
    /// Stops this process's proxy (events committed) and its dashboard, and restores the variables; returns what the
    /// proxy captured, or null.
    /// </summary>
    public static TokentapSessionReport? StopSession()
    {
        try
        {
            return OpenEngine?.StopProxy();
        }
        finally
        {
            OpenEngine?.StopDashboard();
            RestoreEnvironment();
        }
    }

    /// <summary>The one shutdown path: close the engine (proxies stopped, events flushed, store closed) and restore the variables.</summary>
    public static void Shutdown()
    {
        try
        {
            lock (Gate)
            {
                s_engine?.Dispose();
                s_engine = null;
            }
        }
        finally
        {
            RestoreEnvironment();
        }
    }

    private static void RestoreEnvironment()
    {
        EnvironmentBackup? environment;
        lock (Gate)
        {
            environment = s_environment;
            s_environment = null;
        }

        environment?.Restore();
    }
}
