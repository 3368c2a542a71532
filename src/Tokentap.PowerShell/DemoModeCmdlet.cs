// Start-Tokentap's demo mode parameters and start: a separate demo store with synthetic traffic, no proxy.
using System.Management.Automation;
using Tokentap.Engine.Facade;

namespace Tokentap.PowerShell;

/// <summary>The -Demo, -DemoPreset and -Seed parameters and the step that puts demo mode's engine in place.</summary>
public abstract class DemoModeCmdlet : TokentapCmdlet
{
    /// <summary>Demo mode: no proxy; a separate demo store with 30 days of synthetic traffic that keeps growing.</summary>
    [Parameter(ParameterSetName = "Demo", Mandatory = true)]
    public SwitchParameter Demo { get; set; }

    /// <summary>The shape of the demo traffic: Light, Heavy or Team.</summary>
    [Parameter(ParameterSetName = "Demo")]
    public TokentapDemoPreset DemoPreset { get; set; } = TokentapDemoPreset.Heavy;

    /// <summary>The seed of the demo traffic: the same seed gives the same data; default a random one.</summary>
    [Parameter(ParameterSetName = "Demo")]
    public int? Seed { get; set; }

    /// <summary>A demo engine with traffic running, for a command that watches demo data only while it runs.</summary>
    internal static TokentapEngine OpenDemo(ITokentapMessages messages)
    {
        var demo = TokentapEngine.ForDemo();
        try
        {
            demo.StartDemo(TokentapDemoPreset.Heavy, null, messages);
            return demo;
        }
        catch
        {
            demo.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts demo mode in place of the idle engine (refused while the proxy runs, and a proxy start is refused while
    /// demo mode runs); the status, or null when -WhatIf or the user declined.
    /// </summary>
    private protected TokentapStatus? StartDemo()
    {
        if (Engine.DemoRunning)
        {
            if (!Demo)
            {
                throw new TokentapException("DemoModeRunning", TokentapErrorCategory.InvalidOperation, "Demo mode runs in this session; Stop-Tokentap ends it before the proxy can start.", Engine.DatabasePath, stopsCommand: true);
            }

            WriteHostLine($"Tokentap demo mode is already running ({Engine.DatabasePath}).");
            return Engine.GetStatus();
        }

        if (Engine.ProxyUrl is { } running)
        {
            throw new TokentapException("ProxyRunning", TokentapErrorCategory.InvalidOperation, $"Tokentap's proxy runs on {running}; Stop-Tokentap before starting demo mode.", running, stopsCommand: true);
        }

        var home = TokentapEngine.HomeFromEnvironment();
        if (!ShouldProcess(Path.Combine(home, TokentapEngine.DemoFolder), $"Replace the demo store with synthetic {DemoPreset} traffic and keep adding to it"))
        {
            return null;
        }

        var demo = TokentapEngine.ForDemo(home);
        ModuleState.UseEngine(demo);
        var count = demo.StartDemo(DemoPreset, Seed, this);
        var status = demo.GetStatus();
        WriteHostLine($"Tokentap demo mode: {count:N0} synthetic requests ({DemoPreset}, seed {status.DemoSeed}) in {demo.DatabasePath}, more arriving. Your real data is untouched; Stop-Tokentap ends the demo.");
        return status;
    }
}
