// Hooks the module's load context on Import-Module and tears everything down on Remove-Module.
using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace Tokentap.PowerShell;

/// <summary>
/// The pattern from PowerShell's "Resolving PowerShell module assembly dependency conflicts": only this small
/// assembly and Tokentap.Contracts live in the default load context. When the runtime cannot find
/// Tokentap.Engine there, the handler below loads it into <see cref="EngineLoadContext"/>, and from then on the
/// engine's own references resolve inside that context.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private const string EngineAssemblyName = "Tokentap.Engine";
    private static readonly object Gate = new();
    private static EngineLoadContext? s_loadContext;
    private static bool s_hooked;

    /// <summary>The folder holding the engine and its dependencies.</summary>
    internal static string DepsDirectory =>
        Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!, "deps");

    public void OnImport()
    {
        lock (Gate)
        {
            s_loadContext ??= new EngineLoadContext(DepsDirectory);
            if (!s_hooked)
            {
                AssemblyLoadContext.Default.Resolving += ResolveEngine;
                s_hooked = true;
            }
        }

        // Import-Module runs on one thread; Start-Tokentap, which often follows at once (the auto-start profile), then
        // finds its prompt wrapper parsed.
        BudgetAlerts.ParseWrapperAhead();
    }

    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        ModuleState.Shutdown();
        lock (Gate)
        {
            if (s_hooked)
            {
                AssemblyLoadContext.Default.Resolving -= ResolveEngine;
                s_hooked = false;
            }
        }
    }

    private static Assembly? ResolveEngine(AssemblyLoadContext defaultContext, AssemblyName name)
    {
        if (!string.Equals(name.Name, EngineAssemblyName, StringComparison.Ordinal))
        {
            return null;
        }

        // The engine loads once per process; a re-import after Remove-Module reuses it.
        return s_loadContext?.LoadFromAssemblyName(name);
    }
}
