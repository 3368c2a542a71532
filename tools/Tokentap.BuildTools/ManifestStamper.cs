// Copies the source module manifest into the module layout with ModuleVersion set to the build's version.
using System.Text.RegularExpressions;

namespace Tokentap.BuildTools;

internal static partial class ManifestStamper
{
    [GeneratedRegex(@"^(\s*ModuleVersion\s*=\s*)'[^']*'", RegexOptions.Multiline)]
    private static partial Regex ModuleVersionLine();

    public static void Stamp(string source, string destination, string version)
    {
        var text = File.ReadAllText(source);
        if (!ModuleVersionLine().IsMatch(text))
        {
            throw new InvalidDataException($"{source}: no ModuleVersion = '...' line to stamp.");
        }

        var stamped = ModuleVersionLine().Replace(text, m => $"{m.Groups[1].Value}'{version}'", 1);
        if (File.Exists(destination) && File.ReadAllText(destination) == stamped)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(destination))!);
        File.WriteAllText(destination, stamped);
    }
}
