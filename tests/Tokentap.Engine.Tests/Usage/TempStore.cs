// A usage store in a fresh temporary folder, deleted with the test.
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Usage;

/// <summary>A temporary folder with a store at usage.db inside it.</summary>
internal sealed class TempStore : IDisposable
{
    public TempStore(TimeSpan? lockTimeout = null)
    {
        Folder = Path.Combine(Path.GetTempPath(), "tokentap-store-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        DatabasePath = Path.Combine(Folder, "usage.db");
        Store = new UsageStore(DatabasePath, lockTimeout);
    }

    public string Folder { get; }

    public string DatabasePath { get; }

    public UsageStore Store { get; }

    public void Dispose()
    {
        Store.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A child process may still be closing the file; the temp folder is cleaned by the system later.
        }
    }
}
