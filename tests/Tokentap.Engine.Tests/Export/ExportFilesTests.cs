// The export's files in the data folder: export.json holds the collector's credentials, so it is owner-only.
using Tokentap.Engine.Export;

namespace Tokentap.Engine.Tests.Export;

public sealed class ExportFilesTests : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "tokentap-export-files-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Settings_with_headers_and_the_position_are_written_owner_only()
    {
        var paths = new TokentapPaths(_home);
        new ExportSettings { Enabled = true, Endpoint = "http://127.0.0.1:4318", Headers = new Dictionary<string, string> { ["Authorization"] = "Bearer secret" } }.Save(paths);
        ExportPosition.Save(paths, 42);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(ExportSettings.PathIn(paths)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(ExportPosition.PathIn(paths)));
        Assert.Equal(42, ExportPosition.Load(paths));
    }
}
