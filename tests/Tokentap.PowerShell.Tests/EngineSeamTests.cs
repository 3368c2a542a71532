// Pins the seam between the module and the engine: the cmdlet assembly may name only the engine's facade types.
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class EngineSeamTests(ModuleFixture module)
{
    /// <summary>Every engine type the module may reference. Widening this list is a design decision, not a fix.</summary>
    private static readonly string[] FacadeTypes =
    [
        "Tokentap.Engine.Facade.TokentapEngine",
    ];

    [Fact]
    public void The_module_references_only_the_engine_facade()
    {
        var referenced = EngineTypeReferences(Path.Combine(module.ModuleDirectory, "Tokentap.PowerShell.dll"));

        Assert.Equal(FacadeTypes, referenced);
    }

    [Fact]
    public void The_module_references_no_engine_package_directly()
    {
        using var stream = File.OpenRead(Path.Combine(module.ModuleDirectory, "Tokentap.PowerShell.dll"));
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var assemblies = reader.AssemblyReferences.Select(h => reader.GetString(reader.GetAssemblyReference(h).Name)).ToList();

        Assert.Contains("Tokentap.Engine", assemblies);
        Assert.Contains("Tokentap.Contracts", assemblies);
        Assert.DoesNotContain(assemblies, a => a is "LiteDB" or "Spectre.Console" or "Microsoft.ML.Tokenizers" or "Google.Protobuf");
    }

    /// <summary>The full names of the types the assembly references in Tokentap.Engine (nested types with their outer type).</summary>
    private static List<string> EngineTypeReferences(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var handle in reader.TypeReferences)
        {
            if (IsInEngine(reader, handle))
            {
                names.Add(FullName(reader, handle));
            }
        }

        return names.ToList();
    }

    private static bool IsInEngine(MetadataReader reader, TypeReferenceHandle handle)
    {
        var scope = reader.GetTypeReference(handle).ResolutionScope;
        return scope.Kind switch
        {
            HandleKind.AssemblyReference => reader.GetString(reader.GetAssemblyReference((AssemblyReferenceHandle)scope).Name) == "Tokentap.Engine",
            HandleKind.TypeReference => IsInEngine(reader, (TypeReferenceHandle)scope),
            _ => false,
        };
    }

    private static string FullName(MetadataReader reader, TypeReferenceHandle handle)
    {
        var type = reader.GetTypeReference(handle);
        var name = reader.GetString(type.Name);
        if (type.ResolutionScope.Kind == HandleKind.TypeReference)
        {
            return FullName(reader, (TypeReferenceHandle)type.ResolutionScope) + "+" + name;
        }

        var ns = reader.GetString(type.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }
}
