// The module's own AssemblyLoadContext: the engine and its packages load from deps/, isolated from pwsh and other modules.
using System.Reflection;
using System.Runtime.Loader;

namespace Tokentap.PowerShell;

/// <summary>
/// Loads Tokentap.Engine and every assembly in deps/ (LiteDB, Microsoft.ML.Tokenizers, Google.Protobuf,
/// Spectre.Console, ...) privately, so another module's LiteDB or pwsh's own copies never clash with ours.
/// Tokentap.Contracts and the framework come from the default context, so pipeline types stay visible to PowerShell.
/// </summary>
internal sealed class EngineLoadContext : AssemblyLoadContext
{
    private readonly string _depsDirectory;

    public EngineLoadContext(string depsDirectory)
        : base("Tokentap", isCollectible: false)
    {
        _depsDirectory = depsDirectory;
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var path = Path.Combine(_depsDirectory, assemblyName.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }
}
