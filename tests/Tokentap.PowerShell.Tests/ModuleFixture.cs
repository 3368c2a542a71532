// The one shared harness for module tests: a hosted runspace that imported the built out/Tokentap module.
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Tokentap.PowerShell.Tests;

/// <summary>
/// Creates one runspace per test run, with TOKENTAP_HOME pointing at a fresh temp folder, and imports
/// out/Tokentap/Tokentap.psd1 (the built layout, not the bare dll). Before the import it loads a conflicting
/// "LiteDB, Version=4.1.4.0" into the default load context, so every module test also proves isolation.
/// Tests run one at a time: the module changes process-wide environment variables, as it does in pwsh.
/// </summary>
public sealed class ModuleFixture : IDisposable
{
    private readonly Runspace _runspace;

    public ModuleFixture()
    {
        ConflictingLiteDB = typeof(LiteDB.LiteDatabase).Assembly;
        Home = Directory.CreateTempSubdirectory("tokentap-module-tests-").FullName;
        Environment.SetEnvironmentVariable("TOKENTAP_HOME", Home);

        RepoRoot = FindRepoRoot();
        ModuleDirectory = Path.Combine(RepoRoot, "out", "Tokentap");
        ManifestPath = Path.Combine(ModuleDirectory, "Tokentap.psd1");
        if (!File.Exists(ManifestPath))
        {
            throw new InvalidOperationException($"The module layout is missing ({ManifestPath}). Build first: dotnet build");
        }

        _runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        _runspace.Open();
        Run("Import-Module -Name $args[0] -ErrorAction Stop", ManifestPath).ThrowIfFailed();
    }

    /// <summary>The repository root (the folder holding Tokentap.sln).</summary>
    public string RepoRoot { get; }

    /// <summary>out/Tokentap.</summary>
    public string ModuleDirectory { get; }

    /// <summary>out/Tokentap/Tokentap.psd1.</summary>
    public string ManifestPath { get; }

    /// <summary>This run's TOKENTAP_HOME.</summary>
    public string Home { get; }

    /// <summary>The same-named LiteDB 4.1.4 loaded into the default context before the module.</summary>
    public Assembly ConflictingLiteDB { get; }

    /// <summary>Runs script text in the module's runspace; $args holds the arguments.</summary>
    public ScriptResult Run(string script, params object?[] arguments)
    {
        using var shell = System.Management.Automation.PowerShell.Create();
        shell.Runspace = _runspace;
        shell.AddScript(script);
        foreach (var argument in arguments)
        {
            shell.AddArgument(argument);
        }

        var output = shell.Invoke();
        return new ScriptResult(
            output.ToList(),
            shell.Streams.Error.ToList(),
            shell.Streams.Warning.Select(w => w.Message).ToList(),
            shell.Streams.Verbose.Select(v => v.Message).ToList(),
            shell.Streams.Information.Select(i => i.MessageData?.ToString() ?? "").ToList());
    }

    /// <summary>Runs script text in a new PowerShell on the module's runspace without waiting; for Ctrl+C tests.</summary>
    public System.Management.Automation.PowerShell Begin(string script, out IAsyncResult pending)
    {
        var shell = System.Management.Automation.PowerShell.Create();
        shell.Runspace = _runspace;
        shell.AddScript(script);
        pending = shell.BeginInvoke();
        return shell;
    }

    public void Dispose()
    {
        try
        {
            Run("Get-Module Tokentap | Remove-Module");
        }
        finally
        {
            _runspace.Dispose();
            try
            {
                Directory.Delete(Home, recursive: true);
            }
            catch (IOException)
            {
                // Left for the OS temp cleaner; the run is over.
            }
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tokentap.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Tokentap.sln not found above " + AppContext.BaseDirectory);
    }
}

[CollectionDefinition(Name)]
public sealed class ModuleCollection : ICollectionFixture<ModuleFixture>
{
    public const string Name = "Module";
}
