// Entry point of the build-time helpers: `manifest <source> <destination> <version>` and `help <docs dir> <maml file>`.
using Tokentap.BuildTools;

return args switch
{
    ["manifest", var source, var destination, var version] => Run(() => ManifestStamper.Stamp(source, destination, version)),
    ["help", var docsDirectory, var mamlFile] => Run(() => MamlWriter.Write(MarkdownHelpReader.ReadDirectory(docsDirectory), mamlFile)),
    _ => Usage(),
};

static int Run(Action action)
{
    try
    {
        action();
        return 0;
    }
    catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
    {
        Console.Error.WriteLine("error: " + ex.Message);
        return 1;
    }
}

static int Usage()
{
    Console.Error.WriteLine("usage: Tokentap.BuildTools manifest <source.psd1> <destination.psd1> <version>");
    Console.Error.WriteLine("       Tokentap.BuildTools help <docs/cmdlets> <destination-Help.xml>");
    return 2;
}
