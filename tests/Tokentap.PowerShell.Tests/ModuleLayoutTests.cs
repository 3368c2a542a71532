// The built module layout, its manifest and its dependency isolation.
using System.Collections;
using System.Management.Automation;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.Versioning;
using System.Runtime.Loader;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class ModuleLayoutTests(ModuleFixture module)
{
    [Fact]
    public void Test_ModuleManifest_passes_and_describes_the_module()
    {
        var info = module.Run("Test-ModuleManifest -Path $args[0] -ErrorAction Stop", module.ManifestPath).Single<PSModuleInfo>();

        Assert.Equal("Tokentap", info.Name);
        Assert.Equal(new Version(0, 1, 0), info.Version);
        Assert.Equal(Guid.Parse("c2c8c931-90c7-4c1a-8a21-90a8e9ede08c"), info.Guid);
        Assert.Equal(new Version(7, 4), info.PowerShellVersion);
        Assert.Equal(new[] { "Core" }, info.CompatiblePSEditions);
        Assert.Equal("Tokentap.PowerShell.dll", Path.GetFileName(info.RootModule));
        var psData = (Hashtable)((Hashtable)info.PrivateData)["PSData"]!;
        Assert.Contains("LLM", (object[])psData["Tags"]!);
        Assert.StartsWith("https://", (string)psData["LicenseUri"]!);
        Assert.StartsWith("https://", (string)psData["ProjectUri"]!);
        Assert.False(string.IsNullOrWhiteSpace((string)psData["ReleaseNotes"]!));
    }

    [Fact]
    public void Manifest_exports_exactly_the_cmdlets_the_assembly_defines()
    {
        var declared = module.Run("(Test-ModuleManifest -Path $args[0]).ExportedCmdlets.Keys", module.ManifestPath).ThrowIfFailed().Output.Select(o => (string)o.BaseObject).Order().ToList();
        var exported = module.Run("(Get-Module Tokentap).ExportedCmdlets.Keys").ThrowIfFailed().Output.Select(o => (string)o.BaseObject).Order().ToList();
        var defined = AssemblyLoadContext.Default.Assemblies
            .Single(a => a.GetName().Name == "Tokentap.PowerShell")
            .GetTypes()
            .Select(t => t.GetCustomAttributes(typeof(CmdletAttribute), false).Cast<CmdletAttribute>().SingleOrDefault())
            .Where(a => a is not null)
            .Select(a => $"{a!.VerbName}-{a.NounName}")
            .Order()
            .ToList();

        Assert.NotEmpty(defined);
        Assert.Equal(defined, declared);
        Assert.Equal(defined, exported);
        var manifestText = File.ReadAllText(module.ManifestPath);
        Assert.DoesNotContain("'*'", manifestText, StringComparison.Ordinal);
    }

    [Fact]
    public void Layout_puts_the_engine_and_its_packages_in_deps()
    {
        var root = Directory.GetFiles(module.ModuleDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            new[] { "Tokentap.Contracts.dll", "Tokentap.Format.ps1xml", "Tokentap.PowerShell.dll", "Tokentap.Types.ps1xml", "Tokentap.psd1" },
            root);
        Assert.True(File.Exists(Path.Combine(module.ModuleDirectory, "en-US", "Tokentap.PowerShell.dll-Help.xml")));

        var deps = Directory.GetFiles(Path.Combine(module.ModuleDirectory, "deps")).Select(Path.GetFileName).ToList();
        Assert.Contains("Tokentap.Engine.dll", deps);
        Assert.Contains("LiteDB.dll", deps);
        Assert.Contains("Microsoft.ML.Tokenizers.dll", deps);
        Assert.Contains("Spectre.Console.dll", deps);
        Assert.Contains("OpenTelemetry.dll", deps);
        Assert.Contains("OpenTelemetry.Exporter.OpenTelemetryProtocol.dll", deps);
        Assert.Contains("Microsoft.Extensions.Logging.dll", deps);
        Assert.DoesNotContain("System.Management.Automation.dll", deps);
        Assert.DoesNotContain("Tokentap.Contracts.dll", deps);
    }

    [Fact]
    public void Engine_lives_in_the_module_load_context_and_contracts_in_the_default_one()
    {
        var conflicting = module.ConflictingLiteDB;
        Assert.Equal(new Version(4, 1, 4, 0), conflicting.GetName().Version);
        Assert.Same(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(conflicting));

        var contracts = AssemblyLoadContext.Default.Assemblies.Single(a => a.GetName().Name == "Tokentap.Contracts");
        Assert.Equal(Path.Combine(module.ModuleDirectory, "Tokentap.Contracts.dll"), contracts.Location);
    }

    [Fact]
    public void Using_the_store_loads_the_modules_own_LiteDB_5_beside_the_conflicting_one()
    {
        module.Run("$null = Get-TokenUsage -Last 1").ThrowIfFailed();

        var liteDbs = AppDomain.CurrentDomain.GetAssemblies().Where(a => a.GetName().Name == "LiteDB").ToList();
        var ours = Assert.Single(liteDbs, a => AssemblyLoadContext.GetLoadContext(a)!.Name == "Tokentap");
        Assert.Equal(new Version(5, 0, 20, 0), ours.GetName().Version);
        Assert.Equal(Path.Combine(module.ModuleDirectory, "deps", "LiteDB.dll"), ours.Location);
        Assert.Contains(liteDbs, a => a.GetName().Version == new Version(4, 1, 4, 0) && AssemblyLoadContext.GetLoadContext(a) == AssemblyLoadContext.Default);
        var engine = AppDomain.CurrentDomain.GetAssemblies().Single(a => a.GetName().Name == "Tokentap.Engine");
        Assert.Equal("Tokentap", AssemblyLoadContext.GetLoadContext(engine)!.Name);
    }

    [Fact]
    public void The_cmdlet_assembly_references_only_the_framework_powershell_contracts_and_engine()
    {
        var cmdlets = AssemblyLoadContext.Default.Assemblies.Single(a => a.GetName().Name == "Tokentap.PowerShell");

        var unexpected = cmdlets.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(n => !n.StartsWith("System", StringComparison.Ordinal) && n is not "netstandard" and not "Tokentap.Contracts" and not "Tokentap.Engine")
            .ToList();

        Assert.Empty(unexpected);
    }

    [Fact]
    public void Every_shipped_assembly_runs_on_the_net8_runtime_of_PowerShell_7_4()
    {
        // PowerShell 7.4 runs on .NET 8: an assembly built for a newer framework, or a reference to a framework
        // assembly newer than 8.0.0.0 that deps/ does not ship itself, fails to load there.
        var files = Directory.GetFiles(module.ModuleDirectory, "*.dll").Concat(Directory.GetFiles(Path.Combine(module.ModuleDirectory, "deps"), "*.dll")).ToList();
        var shipped = files.Select(AssemblyName.GetAssemblyName).ToDictionary(a => a.Name!, a => a.Version!);
        var net8 = new Version(8, 0, 0, 0);
        var problems = new List<string>();
        foreach (var file in files)
        {
            using var pe = new PEReader(File.OpenRead(file));
            var reader = pe.GetMetadataReader();
            var name = Path.GetFileName(file);
            if (TargetFramework(reader) is { } framework && !IsNet8Compatible(framework))
            {
                problems.Add($"{name} targets {framework}");
            }

            foreach (var handle in reader.AssemblyReferences)
            {
                var reference = reader.GetAssemblyReference(handle);
                var referenceName = reader.GetString(reference.Name);
                var satisfied = shipped.TryGetValue(referenceName, out var version) ? version >= reference.Version : reference.Version <= net8;
                if (!satisfied)
                {
                    problems.Add($"{name} references {referenceName} {reference.Version}");
                }
            }
        }

        Assert.Empty(problems);
        Assert.True(files.Count >= 20, $"{files.Count} assemblies inspected");
    }

    private static string? TargetFramework(MetadataReader reader)
    {
        foreach (var handle in reader.GetAssemblyDefinition().GetCustomAttributes())
        {
            var attribute = reader.GetCustomAttribute(handle);
            if (attribute.Constructor.Kind == HandleKind.MemberReference
                && reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent is { Kind: HandleKind.TypeReference } parent
                && reader.GetString(reader.GetTypeReference((TypeReferenceHandle)parent).Name) == nameof(TargetFrameworkAttribute))
            {
                var blob = reader.GetBlobReader(attribute.Value);
                blob.ReadUInt16();
                return blob.ReadSerializedString();
            }
        }

        return null;
    }

    private static bool IsNet8Compatible(string framework)
    {
        var name = new FrameworkName(framework);
        return name.Identifier == ".NETStandard" || (name.Identifier == ".NETCoreApp" && name.Version <= new Version(8, 0));
    }
}
